# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_batches
# hint: the last, shorter batch
# why: loops over n // bs full batches, so the last, shorter batch is never trained on
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for b in range(len(x) // bs):
            xb, yb = x[b * bs:(b + 1) * bs], y[b * bs:(b + 1) * bs]
            loss = loss_func(model(xb), yb)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
    return losses
