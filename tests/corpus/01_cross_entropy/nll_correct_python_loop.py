# exercise: nll
# verdict: correct
# why: a Python loop that stacks the picked tensors (no .item()), then averages
def nll(input, target):
    picked = [input[i, t] for i, t in enumerate(target)]
    return -torch.stack(picked).mean()
