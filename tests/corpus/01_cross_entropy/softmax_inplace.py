# exercise: softmax
# verdict: wrong
# fails: TBD
# why: subtracts the maximum in place (x -= ...), changing the caller's tensor
def softmax(x, dim=-1):
    x -= x.amax(dim=dim, keepdim=True)
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)
