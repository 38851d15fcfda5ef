# exercise: SGD
# verdict: wrong
# fails: test_SGD_state
# hint: step() only reads the gradients
# why: adds the weight decay to p.grad in place, so step() changes the gradients the caller sees
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
                g = p.grad.add_(p, alpha=self.weight_decay)
                if self.momentum:
                    self.bufs[i] = g.clone() if self.bufs[i] is None else self.bufs[i].mul_(self.momentum).add_(g)
                    g = self.bufs[i]
                p -= self.lr * g

    def zero_grad(self):
        for p in self.params:
            p.grad = None
