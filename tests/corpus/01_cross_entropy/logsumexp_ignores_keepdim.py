# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_grad_dtype_device
# hint: keepdim=True asks to keep the reduced dimension
# hint-class: dropped-reduced-dim
# why: ignores the keepdim argument and always drops the reduced dimension
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    return (m + (x - m).exp().sum(dim=dim, keepdim=True).log()).squeeze(dim)
