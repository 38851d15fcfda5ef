# exercise: fit
# verdict: wrong
# fails: test_fit_values
# hint: for every training batch
# why: zeroes the gradients between backward and step, so the optimizer never moves
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_func(model(xb), yb).backward()
            opt.zero_grad()
            opt.step()
        model.eval()
        tot_loss, tot_acc, count = 0.0, 0.0, 0
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                tot_loss += loss_func(pred, yb).item() * len(yb)
                tot_acc += accuracy(pred, yb).item() * len(yb)
                count += len(yb)
    return tot_loss / count, tot_acc / count
