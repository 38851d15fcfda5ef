# exercise: MLP
# verdict: correct
# why: forward loops over the three children instead of nesting the calls
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1, self.relu, self.l2 = nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out)

    def forward(self, x):
        for layer in (self.l1, self.relu, self.l2):
            x = layer(x)
        return x
