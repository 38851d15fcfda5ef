# exercise: softmax
# verdict: correct
# why: moves `dim` to the end, works on the last axis only, and moves it back
def softmax(x, dim=-1):
    y = x.movedim(dim, -1)
    e = (y - y.max(-1, keepdim=True).values).exp()
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim)
