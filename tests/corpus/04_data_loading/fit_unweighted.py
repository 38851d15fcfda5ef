# exercise: fit
# verdict: wrong
# fails: test_fit_values
# hint: weight each validation batch's loss and accuracy
# why: averages the per-batch losses and accuracies without weighting by batch size
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        losses, accs = [], []
        with torch.no_grad():
            for xb, yb in valid_dl:
                pred = model(xb)
                losses.append(loss_func(pred, yb).item())
                accs.append(accuracy(pred, yb).item())
        result = sum(losses) / len(losses), sum(accs) / len(accs)
    return result
