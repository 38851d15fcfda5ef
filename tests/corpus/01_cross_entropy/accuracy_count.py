# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: expected 0.75, got 3
# hint-class: none
# why: counts the correct rows with sum() instead of averaging them
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).float().sum()
