# exercise: softmax
# verdict: correct
# why: reduces without keepdim and restores the dimension with unsqueeze(dim)
def softmax(x, dim=-1):
    m = x.amax(dim=dim).unsqueeze(dim)
    e = (x - m).exp()
    return e / e.sum(dim=dim).unsqueeze(dim)
