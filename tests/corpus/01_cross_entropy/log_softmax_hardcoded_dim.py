# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: subtract the LogSumExp of the same `dim`
# why: passes dim=-1 to logsumexp whatever `dim` is
def log_softmax(x, dim=-1):
    return x - logsumexp(x, dim=-1, keepdim=True)
