# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own logsumexp through the tensor method
def logsumexp(x, dim=-1, keepdim=False):
    return x.logsumexp(dim, keepdim)
