# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: expected 2.38005, got 0.238005
# hint-class: cross-entropy-route
# why: averages -t * log p over all N x C entries instead of summing over the classes first
def cross_entropy(input, target):
    t = F.one_hot(target, input.shape[1]).to(input.dtype)
    return -(t * log_softmax(input, dim=-1)).mean()
