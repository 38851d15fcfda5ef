# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: hard-codes float32 (x.float()), so float64 inputs get a float32 result
def logsumexp(x, dim=-1, keepdim=False):
    x = x.float()
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
