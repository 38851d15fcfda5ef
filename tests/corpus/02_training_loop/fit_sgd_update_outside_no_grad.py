# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches test_fit_sgd_state
# hint: update the parameters inside `with torch.no_grad():`
# why: updates the parameters in place while autograd records, which PyTorch refuses for leaf tensors
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            for p in model.parameters():
                p -= lr * p.grad
                p.grad.zero_()
            losses.append(loss.item())
    return losses
