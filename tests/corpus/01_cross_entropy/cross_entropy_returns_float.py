# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: return a torch.Tensor
# hint-class: not-a-tensor
# why: returns a Python float via float(...) instead of a tensor
def cross_entropy(input, target):
    return float(nll(log_softmax(input, dim=-1), target))
