# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches
# hint: the model's parameters never changed
# why: `p = p - lr * p.grad` builds a new tensor and rebinds the loop variable: the model never changes
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    g = p.grad
                    p = p - lr * g
                    g.zero_()
            losses.append(loss.item())
    return losses
