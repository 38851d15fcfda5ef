# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_stability
# hint: exp overflows float32
# hint-class: exp-overflow
# why: log(sum(exp(x))) computed literally: exp overflows for large inputs and the sum underflows to 0 for very negative ones
def logsumexp(x, dim=-1, keepdim=False):
    return x.exp().sum(dim=dim, keepdim=keepdim).log()
