# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: the reduced dimension is still there with size 1
# hint-class: kept-reduced-dim
# why: always keeps the reduced dimension, whatever keepdim says
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()
