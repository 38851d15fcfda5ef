# exercise: fit_sgd
# verdict: correct
# why: p.sub_(lr * p.grad) and dropping the gradients (p.grad = None) instead of zeroing them
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for _ in range(epochs):
        for i in range(0, x.shape[0], bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p.sub_(lr * p.grad)
                    p.grad = None
            losses.append(float(loss))
    return losses
