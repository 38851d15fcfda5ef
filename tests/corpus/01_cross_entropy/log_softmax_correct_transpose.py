# exercise: log_softmax
# verdict: correct
# why: moves `dim` last and uses the maximum with detach(), the course's trick in a different arrangement
def log_softmax(x, dim=-1):
    y = x.transpose(dim, -1)
    m = y.detach().amax(-1, keepdim=True)
    out = y - m - torch.log(torch.exp(y - m).sum(-1, keepdim=True))
    return out.transpose(dim, -1)
