# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: log(p + eps) or a clamp hides the underflow
# hint-class: log-floor
# why: log(softmax(x) + 1e-10) avoids -inf but clips every tiny probability at log(1e-10), about -23
def log_softmax(x, dim=-1):
    return torch.log(softmax(x, dim=dim) + 1e-10)
