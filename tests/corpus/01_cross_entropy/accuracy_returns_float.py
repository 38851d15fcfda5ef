# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: return a torch.Tensor
# hint-class: not-a-tensor
# why: returns a Python float (.item()) instead of a 0-d tensor
def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).float().mean().item()
