# exercise: fit_sgd
# verdict: correct
# why: clears stale gradients before the first batch as well as after every step, and returns a list built by a helper
def _batches(n, bs):
    return [(i, min(i + bs, n)) for i in range(0, n, bs)]


def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    params = list(model.parameters())
    for p in params:
        p.grad = None
    losses = []
    for _ in range(epochs):
        for a, b in _batches(len(x), bs):
            out = model(x[a:b])
            loss = loss_func(out, y[a:b])
            loss.backward()
            with torch.no_grad():
                for p in params:
                    if p.grad is not None:
                        p -= lr * p.grad
                        p.grad.zero_()
            losses.append(loss.item())
    return losses
