# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_grad_dtype_device
# hint: the values are right but their gradient is not
# hint-class: grad-partly-cut
# why: detaches the whole LogSumExp (not just the maximum), so its part of the gradient is lost
def log_softmax(x, dim=-1):
    return x - logsumexp(x, dim=dim, keepdim=True).detach()
