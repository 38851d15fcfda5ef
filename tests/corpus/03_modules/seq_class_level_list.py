# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward test_SequentialModel_parameters test_SequentialModel_to_eval
# hint: mat1 and mat2 shapes cannot be multiplied
# hint-class: none
# why: the ModuleList is a class attribute: it is not registered and every instance appends to the same list
class SequentialModel(nn.Module):
    layers = nn.ModuleList()

    def __init__(self, layers):
        super().__init__()
        self.layers.extend(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
