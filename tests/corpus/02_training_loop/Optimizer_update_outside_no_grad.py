# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_steps test_Optimizer_generator_frozen test_Optimizer_grads
# hint: update the parameters inside `with torch.no_grad():`
# why: updates the parameters in place without torch.no_grad(), which autograd refuses for leaf tensors
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.params = list(params)
        self.lr = lr

    def step(self):
        for p in self.params:
            if p.grad is not None:
                p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            p.grad = None
