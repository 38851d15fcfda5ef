# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_grad_dtype_device
# hint: values with the default dim (-1)
# hint-class: none
# why: the signature's default is dim=0 instead of dim=-1, so a call without `dim` normalises the columns
def softmax(x, dim=0):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
