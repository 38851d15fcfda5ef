# exercise: softmax
# verdict: wrong
# fails: TBD
# why: subtracts the maximum along `dim` but sums over dim 0, so rows are divided by column sums
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=0, keepdim=True)
