# exercise: cross_entropy
# verdict: correct
# why: everything written out (max shift, log-sum, fancy indexing) without calling the other exercises
def cross_entropy(input, target):
    s = input - input.max(dim=1, keepdim=True).values
    lp = s - s.exp().sum(dim=1, keepdim=True).log()
    return -lp[torch.arange(input.shape[0], device=input.device), target].mean()
