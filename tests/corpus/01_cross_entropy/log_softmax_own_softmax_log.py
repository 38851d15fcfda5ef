# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: never as the log of a softmax
# hint-class: log-underflow
# why: a stable softmax written out, then its log: still -inf where a probability underflows
def log_softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return torch.log(e / e.sum(dim=dim, keepdim=True))
