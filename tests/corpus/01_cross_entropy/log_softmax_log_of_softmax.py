# exercise: log_softmax
# verdict: wrong
# fails: test_log_softmax_stability
# hint: never as the log of a softmax
# hint-class: log-underflow
# why: takes log(softmax(x)): a probability that rounds to 0 gives -inf instead of a finite log-probability
def log_softmax(x, dim=-1):
    return softmax(x, dim=dim).log()
