# exercise: collate
# verdict: wrong
# fails: test_collate_values test_collate_generator
# hint: stack the xs along a new first
# why: torch.cat joins the examples along their own first dimension instead of stacking them
def collate(b):
    xs, ys = zip(*b)
    return torch.cat(xs), torch.stack(ys)
