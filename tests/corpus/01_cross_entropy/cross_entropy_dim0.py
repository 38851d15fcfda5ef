# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: values on (6, 10) logits
# hint-class: cross-entropy-route
# why: applies log_softmax over dim 0 (across the batch) instead of over the classes
def cross_entropy(input, target):
    return nll(log_softmax(input, dim=0), target)
