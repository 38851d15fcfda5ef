# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: values on a (6, 10) input
# hint-class: nll-one-per-row
# why: input[:, target] picks every target column for every row (an N x N matrix), not one entry per row
def nll(input, target):
    return -input[:, target].mean()
