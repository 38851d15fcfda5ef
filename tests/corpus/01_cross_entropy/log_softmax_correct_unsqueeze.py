# exercise: log_softmax
# verdict: correct
# why: logsumexp without keepdim, then unsqueeze(dim)
def log_softmax(x, dim=-1):
    return x - logsumexp(x, dim).unsqueeze(dim)
