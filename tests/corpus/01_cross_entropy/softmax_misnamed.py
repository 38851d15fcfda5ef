# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: run the cell that defines it first
# hint-class: undefined-name
# why: a correct function under another name (soft_max): the name the checks call is never defined
def soft_max(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
