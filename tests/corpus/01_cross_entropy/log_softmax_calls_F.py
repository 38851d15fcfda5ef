# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own F.log_softmax
def log_softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim)
