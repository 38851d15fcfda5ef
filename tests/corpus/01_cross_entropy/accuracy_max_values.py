# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: expected 0.75, got 0.25
# hint-class: none
# why: compares the largest logit values (out.max(1).values) with the class indices instead of their positions
def accuracy(out, yb):
    return (out.max(dim=1).values == yb).float().mean()
