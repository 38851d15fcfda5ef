# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches test_fit_sgd_state
# hint: only the update goes under torch.no_grad()
# why: runs the whole loop, forward pass included, under torch.no_grad(), so backward() has no graph
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    with torch.no_grad():
        for epoch in range(epochs):
            for i in range(0, len(x), bs):
                loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
                loss.backward()
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
                losses.append(loss.item())
    return losses
