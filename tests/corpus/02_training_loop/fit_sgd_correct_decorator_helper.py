# exercise: fit_sgd
# verdict: correct
# why: the update is a private helper decorated with @torch.no_grad(), gradients multiplied by lr first
@torch.no_grad()
def _sgd_update(params, lr):
    for p in params:
        p -= p.grad * lr
        p.grad.zero_()


def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for xb, yb in zip(x.split(bs), y.split(bs)):
            loss = loss_func(model(xb), yb)
            loss.backward()
            _sgd_update(model.parameters(), lr)
            losses.append(loss.item())
    return losses
