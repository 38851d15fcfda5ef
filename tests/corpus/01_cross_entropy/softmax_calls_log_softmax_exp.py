# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: calls torch.log_softmax
# hint-class: forbidden-op
# why: exponentiates PyTorch's own F.log_softmax, which is softmax by another name
def softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim).exp()
