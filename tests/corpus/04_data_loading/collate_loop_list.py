# exercise: collate
# verdict: correct
# why: an explicit loop in one pass, returning a list [xs, ys]
def collate(b):
    xs, ys = [], []
    for x, y in b:
        xs.append(x)
        ys.append(y)
    return [torch.stack(xs, dim=0), torch.stack(ys, dim=0)]
