# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_ties_devices
# hint: with ties, only the first largest logit
# hint-class: accuracy-ties
# why: counts a row as right when the target's logit equals the row maximum, so every class tied for the maximum counts
def accuracy(out, yb):
    top = out.amax(dim=1)
    return (out[torch.arange(len(yb)), yb] == top).float().mean()
