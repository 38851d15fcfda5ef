# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: mean() needs floating-point values
# hint-class: mean-of-bool
# why: calls mean() on a boolean tensor, which PyTorch refuses: convert to float first
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).mean()
