# exercise: softmax
# verdict: wrong
# fails: TBD
# why: calls PyTorch's own softmax through the tensor method x.softmax
def softmax(x, dim=-1):
    return x.softmax(dim)
