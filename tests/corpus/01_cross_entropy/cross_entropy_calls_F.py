# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own F.cross_entropy
def cross_entropy(input, target):
    return F.cross_entropy(input, target)
