# exercise: softmax
# verdict: wrong
# fails: test_softmax_values test_softmax_stability test_softmax_grad_dtype_device
# hint: define it with def (or class) under the name
# hint-class: not-callable
# why: tries the function out in the same cell and rebinds its name to the result, a tensor
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)


softmax = softmax(torch.tensor([[1.0, 2.0, 3.0]]))
