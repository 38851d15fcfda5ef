# exercise: softmax
# verdict: wrong
# fails: test_softmax_grad_dtype_device
# hint: overwrote a value autograd saved for the backward pass
# hint-class: inplace-autograd
# why: works in place on a clone (exp_, /=), which overwrites values autograd saved: the backward pass fails
def softmax(x, dim=-1):
    e = x.clone()
    e -= x.amax(dim=dim, keepdim=True)
    e.exp_()
    e /= e.sum(dim=dim, keepdim=True)
    return e
