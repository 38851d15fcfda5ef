# exercise: nll
# verdict: wrong
# fails: test_nll_values test_nll_grad
# hint: return a torch.Tensor
# hint-class: not-a-tensor
# why: returns a Python float (.item()) instead of a tensor
def nll(input, target):
    return -input[range(len(target)), target].mean().item()
