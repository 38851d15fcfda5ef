# exercise: fit_sgd
# verdict: wrong
# fails: test_fit_sgd_state
# hint: change the existing tensors in place
# why: replaces each layer's weight and bias with new nn.Parameter objects instead of updating them in place
def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
    losses = []
    for epoch in range(epochs):
        for i in range(0, len(x), bs):
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            with torch.no_grad():
                for layer in model.modules():
                    if isinstance(layer, nn.Linear):
                        layer.weight = nn.Parameter(layer.weight - lr * layer.weight.grad)
                        layer.bias = nn.Parameter(layer.bias - lr * layer.bias.grad)
            losses.append(loss.item())
    return losses
