# exercise: softmax
# verdict: wrong
# fails: test_softmax_grad_dtype_device
# hint: cut the autograd graph
# hint-class: graph-cut
# why: copies the input with torch.tensor(x) to avoid changing it, which detaches it from the autograd graph
def softmax(x, dim=-1):
    x = torch.tensor(x)
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
