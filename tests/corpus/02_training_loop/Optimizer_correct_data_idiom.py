# exercise: Optimizer
# verdict: correct
# why: the old `.data` idiom for the update, and a zero_grad() that sets new zero tensors
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.data.sub_(self.lr * p.grad.data)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad = torch.zeros_like(p)
