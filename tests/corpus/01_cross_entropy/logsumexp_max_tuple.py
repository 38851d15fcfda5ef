# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: use .values, or x.amax(dim)
# hint-class: max-returns-pair
# why: uses x.max(dim) as if it were a tensor; it returns a (values, indices) tuple
def logsumexp(x, dim=-1, keepdim=False):
    m = x.max(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
