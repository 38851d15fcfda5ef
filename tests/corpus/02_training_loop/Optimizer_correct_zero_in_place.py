# exercise: Optimizer
# verdict: correct
# why: zeroes existing gradients in place (skipping None) and updates with p.add_(p.grad, alpha=-lr)
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = [p for p in params]
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                p.add_(p.grad, alpha=-self.lr)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()
