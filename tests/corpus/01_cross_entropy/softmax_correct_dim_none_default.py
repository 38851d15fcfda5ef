# exercise: softmax
# verdict: correct
# why: a default of None that means the last dimension, resolved inside: the same behaviour as dim=-1
def softmax(x, dim=None):
    if dim is None:
        dim = x.dim() - 1
    z = x - x.max(dim, keepdim=True).values
    return z.exp() / z.exp().sum(dim, keepdim=True)
