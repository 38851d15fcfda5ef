# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward test_MLP_parameters test_MLP_to_eval
# hint: l1 maps n_in inputs to nh hidden
# why: swaps nh and n_out: l1 is Linear(n_in, n_out) and l2 is Linear(n_out, nh)
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, n_out)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(n_out, nh)

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))
