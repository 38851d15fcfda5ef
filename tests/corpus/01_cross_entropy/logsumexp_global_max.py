# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_stability
# hint: not one maximum of the whole tensor
# hint-class: global-max
# why: factors out the maximum of the whole tensor, so rows far below it still underflow to log(0)
def logsumexp(x, dim=-1, keepdim=False):
    m = x.max()
    return m + (x - m).exp().sum(dim=dim, keepdim=keepdim).log()
