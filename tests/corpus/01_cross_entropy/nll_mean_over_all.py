# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: expected 2.38005, got 0.238005
# hint-class: nll-one-per-row
# why: masks with a one-hot matrix but averages over all N x C entries instead of over the N rows
def nll(input, target):
    return -(F.one_hot(target, input.shape[1]) * input).mean()
