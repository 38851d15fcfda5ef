# exercise: MLP
# verdict: correct
# why: registers relu before the Linear layers and applies F.relu in forward (same computation)
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.relu = nn.ReLU()
        self.l1 = nn.Linear(n_in, nh)
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))
