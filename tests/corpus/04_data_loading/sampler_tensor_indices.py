# exercise: Sampler
# verdict: correct
# why: yields the 0-d tensors of torch.randperm / torch.arange directly
class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        yield from (torch.randperm(self.n) if self.shuffle else torch.arange(self.n))
