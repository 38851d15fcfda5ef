# exercise: MLP
# verdict: correct
# why: registers the layers with add_module instead of attribute assignment
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.add_module("l1", nn.Linear(n_in, nh))
        self.add_module("relu", nn.ReLU())
        self.add_module("l2", nn.Linear(nh, n_out))

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))
