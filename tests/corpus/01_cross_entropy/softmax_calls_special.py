# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own softmax through torch.special.softmax
def softmax(x, dim=-1):
    return torch.special.softmax(x, dim)
