# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: casts to float32 with .float(), so float64 inputs get a float32 result
def log_softmax(x, dim=-1):
    x = x.float()
    return x - logsumexp(x, dim=dim, keepdim=True)
