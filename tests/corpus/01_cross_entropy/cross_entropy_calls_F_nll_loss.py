# exercise: cross_entropy
# verdict: wrong
# fails: test_cross_entropy_values test_cross_entropy_stability_grad
# hint: torch.nn.functional.nll_loss, which this exercise asks you to replace
# hint-class: forbidden-op
# why: builds on log_softmax but then calls PyTorch's own F.nll_loss instead of nll
def cross_entropy(input, target):
    return F.nll_loss(log_softmax(input, dim=-1), target)
