# exercise: logsumexp
# verdict: correct
# why: detaches the maximum (its gradient contributions cancel exactly)
def logsumexp(x, dim=-1, keepdim=False):
    m = x.detach().amax(dim=dim, keepdim=True)
    out = (x - m).exp().sum(dim=dim, keepdim=True).log() + m
    return out if keepdim else out.squeeze(dim)
