# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_values test_log_softmax_stability test_log_softmax_grad_dtype_device
# hint: your result is PyTorch's for dim=1, not for dim=0
# hint-class: ignores-dim
# why: stable (subtracts the maximum) but reduces over dim 1 whatever `dim` is, as for (batch, classes) logits
def log_softmax(x, dim=-1):
    m = x.max(dim=1, keepdim=True).values
    shifted = x - m
    return shifted - shifted.exp().sum(dim=1, keepdim=True).log()
