# exercise: accuracy
# verdict: correct
# why: sum of the hits divided by len(yb): true division of an integer tensor gives a float tensor
def accuracy(out, yb):
    return (out.argmax(1) == yb).sum() / len(yb)
