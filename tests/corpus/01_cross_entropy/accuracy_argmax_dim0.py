# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: must match the size of tensor b
# hint-class: none
# why: takes argmax over dim 0 (across the batch) instead of over the classes
def accuracy(out, yb):
    return (out.argmax(dim=0) == yb).float().mean()
