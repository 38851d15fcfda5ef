# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward
# hint: apply l1, then the ReLU, then l2
# why: forward skips the ReLU, so the two Linear layers collapse into one linear map
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(self.l1(x))
