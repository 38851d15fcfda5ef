# exercise: softmax
# verdict: wrong
# fails: test_softmax_stability
# hint: not one maximum of the whole tensor
# hint-class: global-max
# why: subtracts the maximum of the whole tensor (via .item()), so rows far below it underflow to 0/0
def softmax(x, dim=-1):
    e = (x - x.max().item()).exp()
    return e / e.sum(dim=dim, keepdim=True)
