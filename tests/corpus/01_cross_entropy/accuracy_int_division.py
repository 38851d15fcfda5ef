# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: expected 0.75, got 0
# hint-class: none
# why: counts the hits as an integer tensor and divides with //, which gives 0 unless every row is right
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).sum() // len(yb)
