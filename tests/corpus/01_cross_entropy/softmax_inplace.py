# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: changes its input in place
# hint-class: changes-input
# why: subtracts the maximum in place (x -= ...), changing the caller's tensor
def softmax(x, dim=-1):
    x -= x.amax(dim=dim, keepdim=True)
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)
