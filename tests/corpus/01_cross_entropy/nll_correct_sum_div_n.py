# exercise: nll
# verdict: correct
# why: indexes with a Python range and divides the sum by the batch size
def nll(input, target):
    n = target.shape[0]
    return -input[range(n), target].sum() / n
