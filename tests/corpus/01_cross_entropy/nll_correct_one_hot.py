# exercise: nll
# verdict: correct
# why: multiplies by a one-hot matrix and sums each row before averaging
def nll(input, target):
    one_hot = F.one_hot(target, num_classes=input.shape[1])
    return -(one_hot * input).sum(1).mean()
