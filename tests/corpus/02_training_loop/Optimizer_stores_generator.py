# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_generator_frozen
# hint: params may be a generator
# why: keeps `params` as given; model.parameters() is a generator that is empty after the first pass
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = params
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = None
