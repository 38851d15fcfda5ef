# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: broadcasting made shape (4, 4)
# hint-class: broadcast-reduced
# why: factors out the maximum, kept with keepdim=True, but adds it to a sum that drops the dim: (4, 1) + (4,) is (4, 4)
def logsumexp(x, dim=-1, keepdim=False):
    c = torch.max(x, dim=dim, keepdim=True)[0]
    return c + torch.log(torch.sum(torch.exp(x - c), dim=dim, keepdim=keepdim))
