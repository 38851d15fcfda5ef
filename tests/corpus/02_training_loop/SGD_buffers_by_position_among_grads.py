# exercise: SGD
# verdict: wrong
# fails: test_SGD_state
# hint: not by its position among the parameters that have a gradient
# why: numbers the momentum buffers among the parameters that have a gradient this step, so when one has none the others take its buffer
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = []

    def step(self):
        with torch.no_grad():
            live = [p for p in self.params if p.grad is not None]
            for i, p in enumerate(live):
                g = p.grad + self.weight_decay * p
                if self.momentum:
                    if i == len(self.bufs):
                        self.bufs.append(g.clone())
                    else:
                        self.bufs[i].mul_(self.momentum).add_(g)
                    g = self.bufs[i]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
