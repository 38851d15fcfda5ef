# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: the gradient is dampened by
# why: starts the buffer with the gradient but then adds (1 - momentum) * g, PyTorch's rule with dampening = momentum
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
                    if p not in self.state:
                        self.state[p] = g.clone()
                    else:
                        self.state[p] = self.momentum * self.state[p] + (1 - self.momentum) * g
                    g = self.state[p]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
