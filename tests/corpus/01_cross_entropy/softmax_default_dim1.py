# exercise: softmax
# verdict: wrong
# fails: test_softmax_grad_dtype_device
# hint: keep the signature softmax(x, dim=-1)
# hint-class: default-dim
# why: the signature's default is dim=1, the same as -1 on a 2-D input but not on a 3-D one
def softmax(x, dim=1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
