# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: use .values, or x.amax(dim)
# hint-class: max-returns-pair
# why: x.max(dim, keepdim=True) returns a (values, indices) tuple, which cannot be subtracted from a tensor
def softmax(x, dim=-1):
    e = (x - x.max(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
