# exercise: logsumexp
# verdict: wrong
# fails: test_logsumexp_values
# hint: .squeeze() drops every size-1 dimension
# hint-class: squeezed
# why: squeeze() without a dim also removes other size-1 dimensions (a batch of one loses its batch dim)
def logsumexp(x, dim=-1, keepdim=False):
    m = x.amax(dim=dim, keepdim=True)
    out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return out if keepdim else out.squeeze()
