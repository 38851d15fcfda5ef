# exercise: softmax
# verdict: wrong
# fails: TBD
# why: divides by e.sum(dim) without keepdim, which broadcasts along the wrong axis (or raises)
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim)
