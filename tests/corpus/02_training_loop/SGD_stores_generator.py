# exercise: SGD
# verdict: wrong
# fails: test_SGD_state
# hint: params may be a generator
# why: keeps `params` as given and zips it lazily with the buffers: a generator is exhausted after one pass
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = params
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = {}

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                if self.momentum:
                    self.bufs[p] = g.clone() if p not in self.bufs else self.momentum * self.bufs[p] + g
                    g = self.bufs[p]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
