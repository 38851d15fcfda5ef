# exercise: logsumexp
# verdict: correct
# why: torch.max(x, dim, keepdim=True)[0] and the keepdim argument passed through to the final reduction
def logsumexp(x, dim=-1, keepdim=False):
    m = torch.max(x, dim, keepdim=True)[0]
    s = torch.exp(x - m).sum(dim, keepdim=keepdim)
    return (m if keepdim else m.squeeze(dim)) + s.log()
