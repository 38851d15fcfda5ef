# exercise: nll
# verdict: wrong
# fails: test_nll_grad
# hint: cut the autograd graph
# hint-class: graph-cut
# why: accumulates Python floats with .item() and wraps them in torch.tensor: right value, no gradient
def nll(input, target):
    total = 0.0
    for i in range(len(target)):
        total += input[i, target[i]].item()
    return torch.tensor(-total / len(target), dtype=input.dtype, device=input.device)
