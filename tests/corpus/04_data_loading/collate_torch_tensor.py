# exercise: collate
# verdict: wrong
# fails: test_collate_values test_collate_generator
# hint: only one element tensors can be converted
# why: torch.tensor cannot build a tensor from a list of multi-element tensors
def collate(b):
    xs, ys = zip(*b)
    return torch.tensor(xs), torch.tensor(ys)
