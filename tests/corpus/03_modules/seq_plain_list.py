# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_parameters test_SequentialModel_to_eval
# hint: a plain Python list of layers is
# why: keeps the layers in a plain Python list: forward works, but nothing is registered
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
