# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: expected 0.75, got 75
# hint-class: none
# why: returns a percentage (0 to 100) instead of a fraction
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).float().mean() * 100
