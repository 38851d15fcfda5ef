# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_stability_grad
# hint: cut the autograd graph
# hint-class: graph-cut
# why: computes the loss with .item() and rebuilds it with torch.tensor: right value, but no gradient reaches the logits
def cross_entropy(input, target):
    loss = nll(log_softmax(input, dim=-1), target).item()
    return torch.tensor(loss, dtype=input.dtype, device=input.device)
