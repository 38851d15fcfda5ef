# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_parameters test_SequentialModel_to_eval
# hint: register the layers you were given, not
# why: registers deep copies of the layers, so training or moving the model leaves the caller's layers alone
import copy


class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(list(layers)))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
