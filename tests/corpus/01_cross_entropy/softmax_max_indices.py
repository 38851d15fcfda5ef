# exercise: softmax
# verdict: wrong
# fails: test_softmax_stability
# hint: exp overflows float32
# hint-class: exp-overflow
# why: takes [1] of x.max(dim, keepdim=True), the argmax index rather than the maximum, so the shift does not prevent overflow
def softmax(x, dim=-1):
    e = (x - x.max(dim=dim, keepdim=True)[1]).exp()
    return e / e.sum(dim=dim, keepdim=True)
