# exercise: softmax
# verdict: correct
# why: x.max(dim, keepdim=True).values instead of amax
def softmax(x, dim=-1):
    e = (x - x.max(dim=dim, keepdim=True).values).exp()
    return e / e.sum(dim=dim, keepdim=True)
