# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches test_fit_sgd_state
# hint: this exercise is what torch.optim does
# why: hands the update to torch.optim.SGD instead of writing it
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            opt.step()
            opt.zero_grad()
            losses.append(loss.item())
    return losses
