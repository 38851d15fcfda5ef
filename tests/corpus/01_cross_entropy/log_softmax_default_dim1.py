# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_grad_dtype_device
# hint: keep the signature log_softmax(x, dim=-1)
# hint-class: default-dim
# why: the signature's default is dim=1, the same as -1 on a 2-D input but not on a 3-D one
def log_softmax(x, dim=1):
    return x - logsumexp(x, dim=dim, keepdim=True)
