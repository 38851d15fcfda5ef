# exercise: SequentialModel
# verdict: correct
# why: add_module under numbered names, forward over self._modules.values() (repeats included)
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        for i, layer in enumerate(layers):
            self.add_module(f"layer_{i}", layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x
