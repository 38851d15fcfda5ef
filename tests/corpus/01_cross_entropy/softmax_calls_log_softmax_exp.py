# exercise: softmax
# verdict: wrong
# fails: TBD
# why: exponentiates PyTorch's own F.log_softmax, which is softmax by another name
def softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim).exp()
