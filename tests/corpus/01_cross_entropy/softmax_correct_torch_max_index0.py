# exercise: softmax
# verdict: correct
# why: torch.max(x, dim, keepdim=True)[0], a tuple indexed for its values, and torch.exp / torch.sum
def softmax(x, dim=-1):
    e = torch.exp(x - torch.max(x, dim, keepdim=True)[0])
    return e / torch.sum(e, dim, keepdim=True)
