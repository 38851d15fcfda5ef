# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: exp overflows float32
# hint-class: exp-overflow
# why: x - log(sum(exp(x))) without the maximum: exp overflows for large logits
def log_softmax(x, dim=-1):
    return x - x.exp().sum(dim=dim, keepdim=True).log()
