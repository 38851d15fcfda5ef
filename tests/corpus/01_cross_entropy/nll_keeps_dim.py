# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: check which dimension you reduce and whether
# why: gathers with keepdim-style shapes and averages over dim 0 only: the result has shape (1,), not a 0-d scalar
def nll(input, target):
    return -input.gather(1, target[:, None]).mean(0)
