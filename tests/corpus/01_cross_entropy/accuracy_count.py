# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# why: counts the correct rows with sum() instead of averaging them
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).float().sum()
