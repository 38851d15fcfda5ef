# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_values test_accuracy_ties_devices
# hint: compare argmax over the classes
# hint-class: accuracy-argmax
# why: thresholds the softmax probability of the target at 0.5 instead of asking whether the target is the top class
def accuracy(out, yb):
    p = (out - out.amax(1, keepdim=True)).exp()
    p = p / p.sum(1, keepdim=True)
    return (p[torch.arange(len(yb)), yb] > 0.5).float().mean()
