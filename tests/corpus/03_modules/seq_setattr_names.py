# exercise: SequentialModel
# verdict: correct
# why: setattr under generated names, with a private list of the names to apply in order
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self._order = []
        for i, layer in enumerate(layers):
            name = f"step{i}"
            setattr(self, name, layer)
            self._order.append(name)

    def forward(self, x):
        for name in self._order:
            x = getattr(self, name)(x)
        return x
