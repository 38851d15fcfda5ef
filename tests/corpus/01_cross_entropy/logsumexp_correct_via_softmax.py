# exercise: logsumexp
# verdict: correct
# why: reads LogSumExp off the notebook's softmax: x_max - log(softmax(x)_max), stable because that probability is at least 1/n
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    p = softmax(x, dim=dim).amax(dim=dim, keepdim=True)
    out = m - p.log()
    return out if keepdim else out.squeeze(dim)
