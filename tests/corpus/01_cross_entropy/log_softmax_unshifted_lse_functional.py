# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: exp overflows float32
# hint-class: exp-overflow
# why: already x - log(sum(exp(x))), but without the max shift: exp(x) overflows for x > 88 in float32 (stable in float64)
def log_softmax(x, dim=-1):
    return x - torch.log(torch.sum(torch.exp(x), dim=dim, keepdim=True))
