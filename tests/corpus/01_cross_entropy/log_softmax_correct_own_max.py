# exercise: log_softmax
# verdict: correct
# why: its own maximum subtraction instead of calling logsumexp
def log_softmax(x, dim=-1):
    s = x - x.amax(dim=dim, keepdim=True)
    return s - s.exp().sum(dim=dim, keepdim=True).log()
