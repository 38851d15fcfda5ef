# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: your result is PyTorch's for dim=1, not for dim=0
# hint-class: ignores-dim
# why: ignores the `dim` argument and always normalises along dim 1
def softmax(x, dim=-1):
    e = (x - x.amax(dim=1, keepdim=True)).exp()
    return e / e.sum(dim=1, keepdim=True)
