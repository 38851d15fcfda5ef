# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: which this exercise asks you to replace
# hint-class: forbidden-op
# why: calls PyTorch's own F.nll_loss
def nll(input, target):
    return F.nll_loss(input, target)
