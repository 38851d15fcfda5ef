# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own log_softmax through the tensor method
def log_softmax(x, dim=-1):
    return x.log_softmax(dim)
