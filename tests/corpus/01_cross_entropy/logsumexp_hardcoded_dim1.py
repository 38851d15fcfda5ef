# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: your result is PyTorch's for dim=1, not for dim=0
# hint-class: ignores-dim
# why: ignores `dim` and always reduces dim 1
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=1, keepdim=True)
    out = m + (x - m).exp().sum(dim=1, keepdim=True).log()
    return out if keepdim else out.squeeze(1)
