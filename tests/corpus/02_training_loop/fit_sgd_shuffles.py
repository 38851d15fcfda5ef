# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_values test_fit_sgd_batches
# hint: keep the data in order
# why: shuffles the rows every epoch, where the exercise asks for consecutive slices in order
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(x), device=x.device)
        for i in range(0, len(x), bs):
            idx = order[i:i + bs]
            loss = loss_func(model(x[idx]), y[idx])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
    return losses
