# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_stability_grad
# hint: nan here because exp overflows
# hint-class: exp-overflow
# why: an unshifted softmax inside: exp(1000) overflows, the loss is nan, not the inf of log(0)
def cross_entropy(input, target):
    probs = input.exp() / input.exp().sum(dim=1, keepdim=True)
    return -probs.log()[range(len(target)), target].mean()
