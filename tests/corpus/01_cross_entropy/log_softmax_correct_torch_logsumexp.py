# exercise: log_softmax
# verdict: correct
# why: calls torch.logsumexp directly (allowed here: only log_softmax itself is forbidden)
def log_softmax(x, dim=-1):
    return x - torch.logsumexp(x, dim, keepdim=True)
