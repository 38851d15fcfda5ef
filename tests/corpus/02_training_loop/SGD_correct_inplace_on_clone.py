# exercise: SGD
# verdict: correct
# why: copies the gradient first and then works in place on the copy (add_, mul_), leaving p.grad itself alone
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.bufs = {}

    def step(self):
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                g = p.grad.detach().clone()
                g.add_(p, alpha=self.weight_decay)
                if self.momentum != 0.0:
                    if i in self.bufs:
                        g = self.bufs[i].mul_(self.momentum).add_(g)
                    else:
                        self.bufs[i] = g
                p.sub_(g, alpha=self.lr)

    def zero_grad(self):
        for p in self.params:
            p.grad = None
