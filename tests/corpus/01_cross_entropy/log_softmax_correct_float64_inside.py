# exercise: log_softmax
# verdict: correct
# why: computes in float64 with max(...).values and casts back to the input's dtype
def log_softmax(x, dim=-1):
    y = x.double()
    s = y - y.max(dim, keepdim=True).values
    return (s - torch.log(torch.exp(s).sum(dim, keepdim=True))).to(x.dtype)
