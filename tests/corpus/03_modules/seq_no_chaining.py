# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward
# hint: mat1 and mat2 shapes cannot be multiplied
# hint-class: none
# why: applies every layer to the original input instead of the previous layer's output
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        out = x
        for layer in self.layers:
            out = layer(x)
        return out
