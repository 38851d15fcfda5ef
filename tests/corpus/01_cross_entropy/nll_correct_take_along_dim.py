# exercise: nll
# verdict: correct
# why: torch.take_along_dim, then a mean over a (N, 1) tensor
def nll(input, target):
    return torch.take_along_dim(input, target.view(-1, 1), dim=1).mean().neg()
