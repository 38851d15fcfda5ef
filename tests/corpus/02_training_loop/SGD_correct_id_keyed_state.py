# exercise: SGD
# verdict: correct
# why: momentum buffers in a dict keyed by id(p): unique while the parameters are alive, as they are during training
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.velocity = {}

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                d_p = p.grad + self.weight_decay * p if self.weight_decay else p.grad.clone()
                if self.momentum:
                    v = self.velocity.get(id(p))
                    v = d_p if v is None else v * self.momentum + d_p
                    self.velocity[id(p)] = v
                    d_p = v
                p.sub_(self.lr * d_p)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()
