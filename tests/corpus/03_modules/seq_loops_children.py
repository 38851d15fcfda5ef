# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward
# hint: a layer that appears twice in the
# why: forward loops over self.children(), which skips a layer listed twice, so a shared layer runs once
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        for i, layer in enumerate(layers):
            self.add_module(f"layer{i}", layer)

    def forward(self, x):
        for layer in self.children():
            x = layer(x)
        return x
