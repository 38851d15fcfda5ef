# exercise: SGD
# verdict: correct
# why: subclasses the notebook's Optimizer (allowed, though the text advises a class of its own) and keeps buffers by id
class SGD(Optimizer):
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.bufs = {}

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p if self.weight_decay else p.grad
                if self.momentum:
                    key = id(p)
                    if key in self.bufs:
                        self.bufs[key] = self.bufs[key] * self.momentum + g
                    else:
                        self.bufs[key] = g.clone()
                    g = self.bufs[key]
                p -= self.lr * g
