# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches test_fit_sgd_state
# hint: before the first backward() every .grad is None
# hint-class: grad-none-before-backward
# why: zeroes with p.grad.data.zero_() before backward, which crashes while every .grad is still None
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            for p in model.parameters():
                p.grad.data.zero_()
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses
