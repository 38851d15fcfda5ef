# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: expected 0.75, got 0.3125
# hint-class: none
# why: argmax with keepdim=True gives shape (N, 1), and comparing it with (N,) targets broadcasts to an N x N table
def accuracy(out, yb):
    return (out.argmax(dim=1, keepdim=True) == yb).float().mean()
