# exercise: collate
# verdict: wrong
# fails: test_collate_generator
# hint: a generator can be gone through only
# why: goes through its argument twice, so a generator of pairs is empty the second time
def collate(b):
    xs = [x for x, _ in b]
    ys = [y for _, y in b]
    return torch.stack(xs), torch.stack(ys)
