# exercise: nll
# verdict: correct
# why: gather along the class dimension instead of integer-array indexing
def nll(input, target):
    return -input.gather(1, target.unsqueeze(1)).mean()
