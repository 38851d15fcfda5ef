# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: values on a (4, 10) input
# hint-class: none
# why: shifts by the maximum inside the sum but subtracts the log-sum from the unshifted x
def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    return x - (x - m).exp().sum(dim=dim, keepdim=True).log()
