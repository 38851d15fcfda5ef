# exercise: softmax
# verdict: correct
# why: computes in float64 and casts back to the input's dtype
def softmax(x, dim=-1):
    x64 = x.double()
    e = (x64 - x64.amax(dim=dim, keepdim=True)).exp()
    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)
