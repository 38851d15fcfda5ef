# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values
# hint: the loss is plain cross-entropy
# why: hard-codes F.cross_entropy instead of calling the loss_func it is given
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = F.cross_entropy(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
    return losses
