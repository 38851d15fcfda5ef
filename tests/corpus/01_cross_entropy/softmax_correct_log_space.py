# exercise: softmax
# verdict: correct
# why: divides in log space, exp(x - m - log(sum(exp(x - m)))), with a private helper
def _shifted(x, dim):
    return x - x.amax(dim=dim, keepdim=True).detach()

def softmax(x, dim=-1):
    s = _shifted(x, dim)
    return torch.exp(s - torch.log(torch.exp(s).sum(dim, keepdim=True)))
