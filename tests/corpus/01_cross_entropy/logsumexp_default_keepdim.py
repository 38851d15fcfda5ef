# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: the reduced dimension is still there with size 1
# hint-class: kept-reduced-dim
# why: the signature's default is keepdim=True, so a call without keepdim keeps the reduced dimension
def logsumexp(x, dim=-1, keepdim=True):
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
