# exercise: logsumexp
# verdict: correct
# why: x.max(dim).values without keepdim, unsqueezed for the shift, with the result unsqueezed when asked
def logsumexp(x, dim=-1, keepdim=False):
    m = x.max(dim).values
    out = m + torch.log(torch.sum(torch.exp(x - m.unsqueeze(dim)), dim))
    return out.unsqueeze(dim) if keepdim else out
