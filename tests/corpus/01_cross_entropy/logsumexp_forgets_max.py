# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: values on a (4, 10) input
# hint-class: none
# why: subtracts the maximum before exp but forgets to add it back
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    return (x - m).exp().sum(dim=dim, keepdim=keepdim).log()
