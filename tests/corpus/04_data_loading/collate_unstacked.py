# exercise: collate
# verdict: wrong
# fails: test_collate_values test_collate_generator
# hint: stack the xs along a new first
# why: transposes the pairs but returns lists of tensors instead of stacked tensors
def collate(b):
    xs, ys = zip(*b)
    return list(xs), list(ys)
