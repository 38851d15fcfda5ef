# exercise: accuracy
# verdict: correct
# why: Tensor.eq and .to(torch.float32) before the mean
def accuracy(out, yb):
    return out.argmax(1).eq(yb).to(torch.float32).mean()
