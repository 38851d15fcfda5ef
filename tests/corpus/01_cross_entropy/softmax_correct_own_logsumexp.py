# exercise: softmax
# verdict: correct
# why: exp(x - logsumexp(x)) calling the notebook's own logsumexp by name
def softmax(x, dim=-1):
    return (x - logsumexp(x, dim=dim, keepdim=True)).exp()
