# exercise: collate
# verdict: wrong
# fails: test_collate_values test_collate_generator
# hint: don't hard-code a dtype
# hint-class: hard-coded-dtype
# why: turns the labels into floats; cross-entropy needs int64 class indices
def collate(b):
    xs, ys = zip(*b)
    return torch.stack(xs), torch.stack(ys).float()
