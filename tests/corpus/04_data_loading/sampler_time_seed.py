# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_shuffle
# hint: draw from a random number generator that
# why: seeds its own generator from the clock, so seeding torch cannot reproduce the orders
import time


class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle
        self.g = torch.Generator().manual_seed(time.time_ns())

    def __iter__(self):
        if self.shuffle:
            return iter(torch.randperm(self.n, generator=self.g).tolist())
        return iter(range(self.n))
