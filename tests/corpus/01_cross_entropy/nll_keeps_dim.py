# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: the reduced dimension is still there with size 1
# hint-class: kept-reduced-dim
# why: gathers with keepdim-style shapes and averages over dim 0 only: the result has shape (1,), not a 0-d scalar
def nll(input, target):
    return -input.gather(1, target[:, None]).mean(0)
