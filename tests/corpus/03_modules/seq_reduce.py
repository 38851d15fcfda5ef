# exercise: SequentialModel
# verdict: correct
# why: nn.ModuleList filled by append, forward with functools.reduce
from functools import reduce


class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.stack = nn.ModuleList()
        for layer in layers:
            self.stack.append(layer)

    def forward(self, x):
        return reduce(lambda acc, layer: layer(acc), self.stack, x)
