# exercise: softmax
# verdict: correct
# why: shift on a fresh tensor, then multiply by the reciprocal of the sum
def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim, True))
    return e * e.sum(dim, True).reciprocal()
