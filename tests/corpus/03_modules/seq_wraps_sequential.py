# exercise: SequentialModel
# verdict: wrong
# fails: test_SequentialModel_forward
# hint: keep the layers in an nn.ModuleList
# why: hands the work to nn.Sequential instead of building it
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)
