# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_steps
# hint: uses the default learning rate, lr=0.5
# why: the default learning rate is 0.1, where the exercise fixes it at 0.5
class Optimizer:
    def __init__(self, params, lr=0.1):
        self.params = list(params)
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = None
