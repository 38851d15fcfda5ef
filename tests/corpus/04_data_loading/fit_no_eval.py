# exercise: fit
# verdict: wrong
# fails: test_fit_modes
# hint: call model.eval() before the validation pass
# why: never calls model.eval(), so validation runs in training mode
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        tot_loss, tot_acc, count = 0.0, 0.0, 0
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                n = len(xb)
                tot_loss += loss_func(pred, yb).item() * n
                tot_acc += accuracy(pred, yb).item() * n
                count += n
    return tot_loss / count, tot_acc / count
