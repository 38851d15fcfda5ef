# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: values on (6, 10) logits
# hint-class: cross-entropy-route
# why: passes the raw logits to nll, skipping log_softmax
def cross_entropy(input, target):
    return nll(input, target)
