# exercise: cross_entropy
# verdict: correct
# why: computes the loss in float64 and casts back to the logits' dtype
def cross_entropy(input, target):
    return nll(log_softmax(input.double(), dim=-1), target).to(input.dtype)
