# exercise: fit
# verdict: wrong
# fails: test_fit_values
# hint: turn each batch's loss and accuracy into
# why: sums tensors and returns 0-d tensors instead of Python floats
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_func(model(xb), yb).backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        tot_loss, tot_acc, count = 0.0, 0.0, 0
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                tot_loss = tot_loss + loss_func(pred, yb) * len(yb)
                tot_acc = tot_acc + accuracy(pred, yb) * len(yb)
                count += len(yb)
    return tot_loss / count, tot_acc / count
