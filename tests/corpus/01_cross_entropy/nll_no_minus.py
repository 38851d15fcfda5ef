# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: expected 2.38005, got -2.38005
# hint-class: nll-one-per-row
# why: forgets the minus sign: returns the mean log-likelihood, which is negative
def nll(input, target):
    return input[torch.arange(len(target)), target].mean()
