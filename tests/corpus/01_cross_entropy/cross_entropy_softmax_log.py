# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_stability_grad
# hint: use log_softmax
# hint-class: cross-entropy-log-softmax
# why: takes softmax(x).log() instead of log_softmax: a probability that rounds to 0 makes the loss inf
def cross_entropy(input, target):
    return nll(softmax(input, dim=-1).log(), target)
