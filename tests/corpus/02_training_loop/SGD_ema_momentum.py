# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: the gradient is dampened by
# why: momentum as an exponential moving average, buf = m*buf + (1-m)*g from a zero buffer: the gradient is dampened from the first step on
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = [torch.zeros_like(p) for p in self.params]

    def step(self):
        with torch.no_grad():
            for p, buf in zip(self.params, self.bufs):
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                if self.momentum:
                    buf.mul_(self.momentum).add_((1 - self.momentum) * g)
                    g = buf
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
