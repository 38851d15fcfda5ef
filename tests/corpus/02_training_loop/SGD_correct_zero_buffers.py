# exercise: SGD
# verdict: correct
# why: buffers start at zero and are always used (momentum * 0 + g equals g exactly on the first step); out-of-place arithmetic
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.mom, self.wd = lr, momentum, weight_decay
        self.velocity = [torch.zeros_like(p) for p in self.params]

    def step(self):
        with torch.no_grad():
            for k, p in enumerate(self.params):
                if p.grad is not None:
                    g = p.grad + self.wd * p
                    self.velocity[k] = self.mom * self.velocity[k] + g
                    p -= self.lr * self.velocity[k]

    def zero_grad(self):
        for p in self.params:
            p.grad = None
