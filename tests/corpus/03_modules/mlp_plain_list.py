# exercise: MLP
# verdict: wrong
# fails: test_MLP_forward test_MLP_parameters test_MLP_to_eval
# hint: the children are l1 (Linear), relu (ReLU) and l2 (Linear)
# why: keeps the layers in a plain Python list: no l1/relu/l2 children and no parameters registered
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.layers = [nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
