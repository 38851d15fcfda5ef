# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_batches
# hint: store loss.item()
# why: returns the loss tensors themselves, not Python floats (and keeps every batch's graph alive)
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss)
    return losses
