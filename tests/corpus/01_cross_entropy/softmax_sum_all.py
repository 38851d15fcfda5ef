# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: values on a (4, 10) input
# hint-class: none
# why: normalises by the sum over the whole tensor instead of along `dim`
def softmax(x, dim=-1):
    e = (x - x.max()).exp()
    return e / e.sum()
