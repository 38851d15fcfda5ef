# exercise: accuracy
# verdict: correct
# why: out.max(1).indices instead of argmax (the first maximum on ties too)
def accuracy(out, yb):
    return (out.max(1).indices == yb).float().mean()
