# exercise: softmax
# verdict: wrong
# fails: TBD
# why: calls PyTorch's own softmax through F.softmax
def softmax(x, dim=-1):
    return F.softmax(x, dim=dim)
