# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: your result is PyTorch's for dim=1, not for dim=0
# hint-class: ignores-dim
# why: passes dim=-1 to logsumexp whatever `dim` is
def log_softmax(x, dim=-1):
    return x - logsumexp(x, dim=-1, keepdim=True)
