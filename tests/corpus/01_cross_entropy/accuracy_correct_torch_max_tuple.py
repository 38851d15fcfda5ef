# exercise: accuracy
# verdict: correct
# why: unpacks torch.max(out, 1) into values and indices, and averages in float64
def accuracy(out, yb):
    _, predicted = torch.max(out, 1)
    return (predicted == yb).double().mean()
