# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_grads
# hint: step() only reads the gradients
# why: step() zeroes the gradients itself, so a caller can no longer read them between step() and zero_grad()
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad
                    p.grad.zero_()

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()
