# exercise: fit
# verdict: wrong
# fails: test_fit_values
# hint: weight each validation batch's loss and accuracy
# why: divides by number of batches times batch size, as if the last batch were full
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_func(model(xb), yb).backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        tot_loss, tot_acc = 0.0, 0.0
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                tot_loss += loss_func(pred, yb).item() * len(yb)
                tot_acc += accuracy(pred, yb).item() * len(yb)
        count = len(valid_dl) * valid_dl.batch_size
    return tot_loss / count, tot_acc / count
