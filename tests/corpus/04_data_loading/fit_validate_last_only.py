# exercise: fit
# verdict: correct
# why: validates only after the last epoch, summing tensors and converting at the end
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for _ in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=False)
    model.eval()
    with torch.no_grad():
        sums = torch.zeros(2, dtype=torch.float64)
        count = 0
        for xb, yb in valid_dl:
            out = model(xb)
            sums += torch.stack([loss_func(out, yb), accuracy(out, yb)]).double() * len(yb)
            count += len(yb)
    valid_loss, valid_acc = (sums / count).tolist()
    return valid_loss, valid_acc
