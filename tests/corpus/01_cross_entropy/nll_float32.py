# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: casts the log-probabilities to float32, so a float64 input gives a float32 loss
def nll(input, target):
    return -input.float()[range(len(target)), target].mean()
