# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# why: calls PyTorch's own logsumexp through torch.special.logsumexp
def logsumexp(x, dim=-1, keepdim=False):
    return torch.special.logsumexp(x, dim, keepdim=keepdim)
