# exercise: logsumexp
# verdict: correct
# why: computes in float64 and casts back to the input's dtype
def logsumexp(x, dim=-1, keepdim=False):
    y = x.to(torch.float64)
    m = y.amax(dim=dim, keepdim=True)
    out = m + (y - m).exp().sum(dim=dim, keepdim=True).log()
    if not keepdim:
        out = out.squeeze(dim)
    return out.to(x.dtype)
