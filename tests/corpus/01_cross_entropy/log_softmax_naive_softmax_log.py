# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: nan here because exp overflows
# hint-class: exp-overflow
# why: log of an unshifted softmax: exp overflows to inf and inf / inf is nan (not -inf) on x + 100
def log_softmax(x, dim=-1):
    e = torch.exp(x)
    return torch.log(e / e.sum(dim=dim, keepdim=True))
