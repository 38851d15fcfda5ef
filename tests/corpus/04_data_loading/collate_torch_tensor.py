# exercise: collate
# verdict: wrong
# fails: test_collate_values test_collate_generator
# hint: cannot build one tensor from a list of tensors: use torch.stack
# hint-class: tensor-of-tensors
# why: torch.tensor cannot build a tensor from a list of multi-element tensors
def collate(b):
    xs, ys = zip(*b)
    return torch.tensor(xs), torch.tensor(ys)
