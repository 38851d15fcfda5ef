# exercise: Optimizer
# verdict: correct
# why: stores PyTorch-style param_groups (a list of dicts) and detaches the gradient before zeroing it
class Optimizer:
    def __init__(self, params, lr=0.5):
        self.param_groups = [{"params": list(params), "lr": lr}]

    def step(self):
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p -= group["lr"] * p.grad

    def zero_grad(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.detach_()
                    p.grad.zero_()
