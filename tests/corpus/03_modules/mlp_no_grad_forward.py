# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward
# hint: torch.no_grad() cut the autograd graph
# hint-class: graph-cut
# why: runs forward under torch.no_grad(), so no gradient flows and the model cannot be trained
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        with torch.no_grad():
            return self.l2(self.relu(self.l1(x)))
