# exercise: collate
# verdict: wrong
# fails: test_collate_values
# hint: stack the xs along a new first
# why: squeezes the stacked inputs, which drops the batch dimension of a batch of one
def collate(b):
    xs, ys = zip(*b)
    return torch.stack(xs).squeeze(), torch.stack(ys)
