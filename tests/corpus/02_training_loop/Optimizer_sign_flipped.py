# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_steps test_Optimizer_generator_frozen
# hint: the parameters move up the gradient
# why: adds the gradient, climbing the loss instead of descending it
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p += self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = None
