# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_stability_grad
# hint: exp overflows float32
# hint-class: exp-overflow
# why: writes log-softmax out as x - log(sum(exp(x))) without the maximum: exp overflows for large logits
def cross_entropy(input, target):
    lp = input - input.exp().sum(dim=1, keepdim=True).log()
    return nll(lp, target)
