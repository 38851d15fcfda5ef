# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: must match the size of tensor b
# hint-class: none
# why: subtracts logsumexp(x, dim) without keepdim, which broadcasts along the wrong axis (or raises)
def log_softmax(x, dim=-1):
    return x - logsumexp(x, dim=dim)
