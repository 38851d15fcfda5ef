# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: out of bounds for dimension 0
# hint-class: none
# why: gather along dim 0 with the targets: picks input[target[k], k] from the first rows, not input[n, target[n]]
def nll(input, target):
    return -input.gather(0, target.unsqueeze(0)).mean()
