# exercise: accuracy
# verdict: correct
# why: torch.count_nonzero of the hits over numel, with the logits' dtype
def accuracy(out, yb):
    hits = torch.count_nonzero(out.argmax(dim=-1) == yb)
    return (hits / yb.numel()).to(out.dtype)
