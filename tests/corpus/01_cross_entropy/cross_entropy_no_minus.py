# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: expected 2.38005, got -2.38005
# hint-class: cross-entropy-route
# why: forgets the minus sign: the mean log-probability of the targets
def cross_entropy(input, target):
    lp = log_softmax(input, dim=-1)
    return lp[torch.arange(len(target)), target].mean()
