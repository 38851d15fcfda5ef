# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: decoupled weight decay
# why: decoupled (AdamW-style) weight decay, p -= lr*wd*p apart from the momentum, where PyTorch's SGD adds wd*p to the gradient
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
                p -= self.lr * self.weight_decay * p
                g = p.grad
                if self.momentum:
                    self.bufs[i] = g.clone() if self.bufs[i] is None else self.momentum * self.bufs[i] + g
                    g = self.bufs[i]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
