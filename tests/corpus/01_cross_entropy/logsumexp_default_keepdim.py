# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: check which dimension you reduce and whether
# why: the signature's default is keepdim=True, so a call without keepdim keeps the reduced dimension
def logsumexp(x, dim=-1, keepdim=True):
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
