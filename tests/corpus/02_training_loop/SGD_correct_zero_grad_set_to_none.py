# exercise: SGD
# verdict: correct
# why: one buffer per parameter kept in a list beside it (zip), zero_grad sets .grad to None as PyTorch's default does
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = [p for p in params]
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = [torch.zeros_like(p) for p in self.params]
        self.started = [False] * len(self.params)

    @torch.no_grad()
    def step(self):
        for k, (p, buf) in enumerate(zip(self.params, self.bufs)):
            if p.grad is None:
                continue
            g = p.grad.add(p, alpha=self.weight_decay)
            if self.momentum:
                if self.started[k]:
                    buf.mul_(self.momentum).add_(g)
                else:
                    buf.copy_(g)
                    self.started[k] = True
                g = buf
            p.add_(g, alpha=-self.lr)

    def zero_grad(self):
        for p in self.params:
            p.grad = None
