# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_generator_frozen test_Optimizer_grads
# hint: a parameter that is frozen or unused
# why: zero_grad() calls p.grad.data.zero_(), which crashes before the first backward and on frozen parameters
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad.data.zero_()
