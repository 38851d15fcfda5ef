# exercise: SGD
# verdict: wrong
# fails: test_SGD_state
# hint: keeps a parameter's .grad tensor itself as its state
# why: the first momentum buffer is p.grad itself (no copy); later steps rebind it, so only zeroing the gradients in place (p.grad.zero_()) shows the mistake
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
                    self.bufs[i] = g if self.bufs[i] is None else self.momentum * self.bufs[i] + g
                    g = self.bufs[i]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
