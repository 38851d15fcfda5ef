# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: expected 2.38005, got 14.2803
# hint-class: nll-one-per-row
# why: sums the picked log-probabilities over the batch instead of averaging them
def nll(input, target):
    return -input[torch.arange(len(target)), target].sum()
