# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: must match the size of tensor b
# hint-class: none
# why: divides by e.sum(dim) without keepdim, which broadcasts along the wrong axis (or raises)
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim)
