# exercise: fit_sgd
# verdict: correct
# why: counts the batches with math.ceil and updates with p.add_(p.grad, alpha=-lr)
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    n = len(x)
    n_batches = math.ceil(n / bs)
    losses = []
    for epoch in range(epochs):
        for b in range(n_batches):
            start, end = b * bs, min(n, (b + 1) * bs)
            loss = loss_func(model(x[start:end]), y[start:end])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(p.grad, alpha=-lr)
                    p.grad.zero_()
            losses.append(loss.detach().item())
    return losses
