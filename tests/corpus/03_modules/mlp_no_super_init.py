# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward test_MLP_parameters test_MLP_to_eval
# hint: call super().__init__() first in __init__
# hint-class: module-before-init
# why: forgets super().__init__(), so assigning the first layer raises
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        self.l1 = nn.Linear(n_in, nh)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(nh, n_out)

    def forward(self, x):
        return self.l2(self.relu(self.l1(x)))
