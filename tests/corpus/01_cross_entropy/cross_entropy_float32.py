# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: converts the logits to float32, so float64 logits give a float32 loss
def cross_entropy(input, target):
    return nll(log_softmax(input.float(), dim=-1), target)
