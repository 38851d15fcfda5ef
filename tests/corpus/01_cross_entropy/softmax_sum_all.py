# exercise: softmax
# verdict: wrong
# fails: TBD
# why: normalises by the sum over the whole tensor instead of along `dim`
def softmax(x, dim=-1):
    e = (x - x.max()).exp()
    return e / e.sum()
