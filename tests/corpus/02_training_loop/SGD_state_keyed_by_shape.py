# exercise: SGD
# verdict: wrong
# fails: test_SGD_state
# hint: kept apart even for parameters of the same shape
# why: momentum buffers in a dict keyed by the parameter's shape, so parameters of one shape share a buffer
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.state = {}

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                if self.momentum:
                    key = tuple(p.shape)
                    if key not in self.state:
                        self.state[key] = g.clone()
                    else:
                        self.state[key].mul_(self.momentum).add_(g)
                    g = self.state[key]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
