# exercise: Optimizer
# verdict: wrong
# fails: test_Optimizer_steps test_Optimizer_generator_frozen test_Optimizer_grads
# hint: this exercise is what torch.optim does
# why: delegates to torch.optim.SGD instead of writing the update
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.opt = torch.optim.SGD(params, lr=lr)

    def step(self):
        self.opt.step()

    def zero_grad(self):
        self.opt.zero_grad()
