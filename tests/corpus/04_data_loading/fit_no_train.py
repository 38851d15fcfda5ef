# exercise: fit
# verdict: wrong
# fails: test_fit_modes
# hint: call model.train() before the training batches
# why: never calls model.train(), so a model left in eval mode trains in eval mode
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        tot_loss, tot_acc, count = 0.0, 0.0, 0
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                n = len(xb)
                tot_loss += loss_func(pred, yb).item() * n
                tot_acc += accuracy(pred, yb).item() * n
                count += n
    return tot_loss / count, tot_acc / count
