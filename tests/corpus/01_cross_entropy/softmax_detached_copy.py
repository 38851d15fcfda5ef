# exercise: softmax
# verdict: wrong
# fails: test_softmax_grad_dtype_device
# hint: compute the result from the input with tensor operations
# hint-class: no-grad-to-input
# why: works on x.clone().detach().requires_grad_(True) (as a PyTorch warning suggests): no gradient reaches x
def softmax(x, dim=-1):
    x = x.clone().detach().requires_grad_(True)
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
