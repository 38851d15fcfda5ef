# exercise: MLP
# verdict: wrong
# fails: test_MLP_parameters
# hint: assign nn.ReLU() to self.relu
# why: stores the function F.relu as self.relu, which is not a module, so relu is not a child
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.relu = F.relu
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))
