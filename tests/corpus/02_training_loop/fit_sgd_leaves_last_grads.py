# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_state
# hint: zero the gradients after each update
# why: clears the gradients before each backward instead of after each step, so the last batch's gradients are left behind
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            model.zero_grad()
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses
