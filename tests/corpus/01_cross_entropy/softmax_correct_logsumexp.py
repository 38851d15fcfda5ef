# exercise: softmax
# verdict: correct
# why: exp(x - logsumexp(x)) with PyTorch's logsumexp (not forbidden here): stable and exact
def softmax(x, dim=-1):
    return (x - torch.logsumexp(x, dim=dim, keepdim=True)).exp()
