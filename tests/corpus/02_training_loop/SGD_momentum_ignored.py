# exercise: SGD
# verdict: wrong
# fails: test_SGD_values test_SGD_state
# hint: momentum ignored
# why: stores the momentum but never uses it: plain gradient descent with weight decay
class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * (p.grad + self.weight_decay * p)

    def zero_grad(self):
        for p in self.params:
            p.grad = None
