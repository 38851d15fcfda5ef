# exercise: collate
# verdict: correct
# why: turns the argument into a list first, then goes through it twice safely
def collate(b):
    b = list(b)
    return torch.stack([x for x, _ in b]), torch.stack([y for _, y in b])
