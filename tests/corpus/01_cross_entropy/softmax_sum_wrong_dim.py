# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: values on a (4, 10) input
# hint-class: none
# why: subtracts the maximum along `dim` but sums over dim 0, so rows are divided by column sums
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=0, keepdim=True)
