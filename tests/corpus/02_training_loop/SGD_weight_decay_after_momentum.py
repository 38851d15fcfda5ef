# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: decoupled weight decay
# why: adds weight_decay * p after the momentum buffer instead of to the gradient the buffer is built from
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
                if self.momentum:
                    self.bufs[i] = g.clone() if self.bufs[i] is None else self.momentum * self.bufs[i] + g
                    g = self.bufs[i]
                p -= self.lr * (g + self.weight_decay * p)

    def zero_grad(self):
        for p in self.params:
            p.grad = None
