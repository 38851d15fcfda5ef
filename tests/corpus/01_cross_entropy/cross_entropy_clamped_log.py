# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_stability_grad
# hint: a clamp or + eps only hides it
# hint-class: cross-entropy-log-softmax
# why: clamps the probabilities before the log to avoid inf, which caps each example's loss near 27.6 for large logits
def cross_entropy(input, target):
    p = softmax(input, dim=-1).clamp_min(1e-12)
    return nll(p.log(), target)
