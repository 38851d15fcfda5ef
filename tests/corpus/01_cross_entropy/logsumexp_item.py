# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_grad_dtype_device
# hint: cut the autograd graph
# hint-class: graph-cut
# why: builds the result from Python numbers (.tolist() then torch.tensor), which cuts the gradient
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    out = out if keepdim else out.squeeze(dim)
    return torch.tensor(out.tolist(), dtype=x.dtype, device=x.device)
