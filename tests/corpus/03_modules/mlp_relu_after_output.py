# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward
# hint: apply l1, then the ReLU, then l2
# why: applies a ReLU after the output layer too, so negative logits become 0
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.relu(self.l2(self.relu(self.l1(x))))
