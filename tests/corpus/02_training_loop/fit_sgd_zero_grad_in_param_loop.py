# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches test_fit_sgd_state
# hint: model.zero_grad() (or opt.zero_grad()) sets every parameter's .grad to None
# hint-class: zero-grad-in-param-loop
# why: calls model.zero_grad() inside the loop over the parameters: after the first update every later .grad is None
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            xb, yb = x[i:i + bs], y[i:i + bs]
            loss = loss_func(model(xb), yb)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    model.zero_grad()
            losses.append(loss.item())
    return losses
