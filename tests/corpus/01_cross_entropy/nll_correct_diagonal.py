# exercise: nll
# verdict: correct
# why: input[:, target] is N x N and its diagonal holds input[n, target[n]]: wasteful but right
def nll(input, target):
    return -input[:, target].diagonal().mean()
