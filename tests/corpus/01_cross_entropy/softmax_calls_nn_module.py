# exercise: softmax
# verdict: wrong
# fails: TBD
# why: calls PyTorch's own softmax through the module torch.nn.Softmax
def softmax(x, dim=-1):
    return torch.nn.Softmax(dim=dim)(x)
