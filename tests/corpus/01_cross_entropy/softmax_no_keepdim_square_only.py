# exercise: softmax
# verdict: wrong
# fails: test_softmax_values
# hint: normalise along `dim` and keep it
# hint-class: softmax-keepdim
# why: a missing keepdim "fixed" by retrying only when broadcasting fails: square inputs are silently divided by the wrong sums
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    try:
        return e / e.sum(dim=dim)
    except RuntimeError:
        return e / e.sum(dim=dim, keepdim=True)
