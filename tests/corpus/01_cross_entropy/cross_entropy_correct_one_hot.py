# exercise: cross_entropy
# verdict: correct
# why: the general formula -sum(t * log p) with a one-hot target distribution
def cross_entropy(input, target):
    t = F.one_hot(target, input.shape[-1]).to(input.dtype)
    return -(t * log_softmax(input, dim=1)).sum(dim=1).mean()
