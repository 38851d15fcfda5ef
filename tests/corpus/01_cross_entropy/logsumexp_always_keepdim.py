# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: check which dimension you reduce and whether
# why: always keeps the reduced dimension, whatever keepdim says
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()
