# exercise: logsumexp
# verdict: correct
# why: moves `dim` to the end and reduces the last axis, with a private helper
def _lse_last(y):
    m = y.amax(-1, keepdim=True)
    return (m + (y - m).exp().sum(-1, keepdim=True).log()).squeeze(-1)

def logsumexp(x, dim=-1, keepdim=False):
    out = _lse_last(x.movedim(dim, -1))
    return out.unsqueeze(dim) if keepdim else out
