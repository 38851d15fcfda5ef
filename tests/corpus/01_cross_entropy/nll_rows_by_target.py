# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: out of bounds for dimension 0
# hint-class: none
# why: input[target] selects rows by the class indices instead of one entry per row
def nll(input, target):
    return -input[target].mean()
