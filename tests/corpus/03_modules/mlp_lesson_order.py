# exercise: MLP
# verdict: correct
# why: the lesson's own code: creates l1, l2, then relu (named_children() lists them in that order); forward is the same
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.l2 = nn.Linear(nh, n_out)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))
