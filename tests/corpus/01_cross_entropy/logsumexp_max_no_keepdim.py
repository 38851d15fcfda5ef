# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: must match the size of tensor b
# hint-class: none
# why: the maximum is taken without keepdim, so x - m broadcasts along the wrong axis (or raises)
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim)
    return m + (x - m).exp().sum(dim=dim, keepdim=keepdim).log()
