# exercise: Optimizer
# verdict: correct
# why: keeps the parameters in a tuple, @torch.no_grad() as a decorator, p.sub_(p.grad * lr)
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params, self.lr = tuple(params), lr

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.sub_(p.grad * self.lr)

    def zero_grad(self):
        for p in self.params:
            p.grad = None
