# exercise: SGD
# verdict: correct
# why: momentum buffers in a dict keyed by the parameter, created lazily; zero_grad zeroes in place
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.state = {}

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            d_p = p.grad.add(p, alpha=self.weight_decay) if self.weight_decay else p.grad
            if self.momentum:
                if p not in self.state:
                    self.state[p] = torch.clone(d_p).detach()
                else:
                    self.state[p].mul_(self.momentum).add_(d_p)
                d_p = self.state[p]
            p.add_(d_p, alpha=-self.lr)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()
