# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: momentum ignored
# why: starts from a new zero buffer on every step (buf = momentum * 0 + g), so no momentum carries over
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                buf = torch.zeros_like(p)
                buf = self.momentum * buf + g
                p -= self.lr * buf

    def zero_grad(self):
        for p in self.params:
            p.grad = None
