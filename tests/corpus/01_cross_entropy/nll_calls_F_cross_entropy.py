# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls F.cross_entropy, which gives the same number on log-probabilities but is PyTorch's own loss
def nll(input, target):
    return F.cross_entropy(input, target)
