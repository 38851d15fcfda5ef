# exercise: accuracy
# verdict: wrong
# fails: test_accuracy_ties_devices
# hint: with ties, only the first largest logit
# hint-class: accuracy-ties
# why: a running argmax over the classes that updates on >=, so ties go to the last largest logit instead of the first
def accuracy(out, yb):
    best = out[:, 0]
    pred = torch.zeros_like(yb)
    for j in range(1, out.shape[1]):
        better = out[:, j] >= best
        best = torch.where(better, out[:, j], best)
        pred = torch.where(better, torch.full_like(pred, j), pred)
    return (pred == yb).float().mean()
