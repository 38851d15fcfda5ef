# exercise: cross_entropy
# verdict: correct
# why: the fused formula mean(logsumexp(x) - x[target]) with torch.logsumexp and gather
def cross_entropy(input, target):
    picked = input.gather(1, target[:, None]).squeeze(1)
    return (torch.logsumexp(input, dim=1) - picked).mean()
