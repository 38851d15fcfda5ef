# exercise: nll
# verdict: correct
# why: averages in float64 and casts back to the input's dtype, with a boolean mask
def nll(input, target):
    mask = torch.arange(input.shape[1], device=input.device) == target[:, None]
    return -(input.double() * mask).sum(1).mean().to(input.dtype)
