# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own loss through the module torch.nn.CrossEntropyLoss
def cross_entropy(input, target):
    return torch.nn.CrossEntropyLoss()(input, target)
