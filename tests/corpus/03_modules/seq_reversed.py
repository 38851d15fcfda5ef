# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward
# hint: mat1 and mat2 shapes cannot be multiplied
# hint-class: none
# why: applies the layers from last to first
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in reversed(self.layers):
            x = layer(x)
        return x
