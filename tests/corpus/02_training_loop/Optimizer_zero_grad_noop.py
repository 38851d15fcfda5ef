# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_steps test_Optimizer_generator_frozen test_Optimizer_grads
# hint: set every parameter's .grad to None, or
# why: zero_grad() builds zeroed copies of the gradients and throws them away, so gradients accumulate
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
            if p.grad is not None:
                g = p.grad
                g = torch.zeros_like(g)
