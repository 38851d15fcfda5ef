# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: a copy: zero_grad() must not wipe it
# why: the momentum buffer is p.grad itself (no clone), so zero_grad() wipes it and step() changes the gradient
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = [None] * len(self.params)

    def step(self):
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                g = p.grad
                if self.weight_decay:
                    g = g + self.weight_decay * p
                if self.momentum:
                    if self.bufs[i] is None:
                        self.bufs[i] = g
                    else:
                        self.bufs[i].mul_(self.momentum).add_(g)
                    g = self.bufs[i]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()
