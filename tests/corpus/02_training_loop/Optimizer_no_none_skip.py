# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_generator_frozen
# hint: a parameter that is frozen or unused
# why: step() does not skip parameters whose .grad is None (frozen or unused ones) and crashes on them
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = None
