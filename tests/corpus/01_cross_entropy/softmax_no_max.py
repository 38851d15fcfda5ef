# exercise: softmax
# verdict: wrong
# fails: test_softmax_stability
# hint: exp overflows float32
# hint-class: exp-overflow
# why: softmax without subtracting the maximum overflows for large logits
def softmax(x, dim=-1):
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)
