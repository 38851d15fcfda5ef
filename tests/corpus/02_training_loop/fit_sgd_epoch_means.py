# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches
# hint: that is one loss per epoch
# why: returns one mean loss per epoch instead of the loss of every batch
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            total += loss.item()
            count += 1
        losses.append(total / count)
    return losses
