# exercise: cross_entropy
# verdict: correct
# why: uses torch.log_softmax directly (only the loss functions are forbidden here) with the notebook's nll
def cross_entropy(input, target):
    return nll(torch.log_softmax(input, 1), target)
