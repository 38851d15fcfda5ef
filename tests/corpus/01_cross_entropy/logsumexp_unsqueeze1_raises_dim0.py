# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values test_logsumexp_stability test_logsumexp_grad_dtype_device
# hint: input: float32 (3, 5) on cpu, dim=0, keepdim=False
# hint-class: none
# why: unsqueezes the maximum at dim 1 whatever `dim` is: right for dim=-1 on 2-D inputs, raises for dim=0
def logsumexp(x, dim=-1, keepdim=False):
    m = x.max(dim=dim).values.unsqueeze(1)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze(dim)
