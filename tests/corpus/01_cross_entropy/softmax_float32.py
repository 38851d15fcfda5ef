# exercise: softmax
# verdict: wrong
# fails: test_softmax_stability test_softmax_grad_dtype_device
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: converts to float32 with .float(), so float64 inputs get a float32 result
def softmax(x, dim=-1):
    x = x.float()
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
