# exercise: softmax
# verdict: wrong
# fails: TBD
# why: calls PyTorch's own softmax through torch.special.softmax
def softmax(x, dim=-1):
    return torch.special.softmax(x, dim)
