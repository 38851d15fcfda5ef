# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: the reduced dimension is still there with size 1
# hint-class: kept-reduced-dim
# why: stable, but keeps the reduced dimension in the result (keepdim=True everywhere, keepdim never used)
def logsumexp(x, dim=-1, keepdim=False):
    c = torch.max(x, dim=dim, keepdim=True)[0]
    return c + torch.log(torch.exp(x - c).sum(dim=dim, keepdim=True))
