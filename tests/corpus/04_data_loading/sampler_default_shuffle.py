# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_sequential
# hint: shuffle defaults to False
# why: shuffle defaults to True, so Sampler(ds) is not in order
class Sampler:
    def __init__(self, ds, shuffle=True):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        order = torch.randperm(self.n) if self.shuffle else torch.arange(self.n)
        return iter(order.tolist())
