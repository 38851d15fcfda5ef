# exercise: fit
# verdict: correct
# why: torch.inference_mode, counts correct predictions, divides by len(valid_dl.dataset), prints each epoch
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    n_valid = len(valid_dl.dataset)
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss_func(model(xb), yb).backward()
            opt.step()
        model.eval()
        loss_sum, correct = 0.0, 0
        with torch.inference_mode():
            for xb, yb in valid_dl:
                out = model(xb)
                loss_sum += loss_func(out, yb, reduction="sum").item()
                correct += (out.argmax(dim=1) == yb).sum().item()
        print(f"epoch {epoch}: loss {loss_sum / n_valid:.4f}, accuracy {correct / n_valid:.4f}")
    return loss_sum / n_valid, correct / n_valid
