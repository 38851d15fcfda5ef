# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward test_SequentialModel_parameters test_SequentialModel_to_eval
# hint: mat1 and mat2 shapes cannot be multiplied
# hint-class: none
# why: registers every layer under the same name, so each replaces the previous one and only the last remains
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        for layer in layers:
            self.add_module("layer", layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x
