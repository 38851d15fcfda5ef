# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_grad_dtype_device
# hint: keep the signature logsumexp(x, dim=-1, keepdim=False)
# hint-class: default-dim
# why: the signature's default is dim=1, the same as -1 on a 2-D input but not on a 3-D one
def logsumexp(x, dim=1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
