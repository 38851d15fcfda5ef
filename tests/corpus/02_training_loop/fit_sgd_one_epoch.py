# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches
# hint: that is one epoch's worth
# why: ignores `epochs` and makes a single pass over the data
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for i in range(0, len(x), bs):
        loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
                p.grad.zero_()
        losses.append(loss.item())
    return losses
