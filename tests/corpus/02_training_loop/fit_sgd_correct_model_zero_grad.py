# exercise: fit_sgd
# verdict: correct
# why: a while loop over the batches, the old `.data` update idiom, and model.zero_grad() after the step
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    epoch = 0
    while epoch < epochs:
        start = 0
        while start < len(x):
            xb, yb = x[start:start + bs], y[start:start + bs]
            loss = loss_func(model(xb), yb)
            loss.backward()
            for p in model.parameters():
                p.data -= lr * p.grad.data
            model.zero_grad()
            losses.append(loss.item())
            start += bs
        epoch += 1
    return losses
