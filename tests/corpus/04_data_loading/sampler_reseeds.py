# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_shuffle
# hint: draw a new permutation inside __iter__, not
# why: reseeds torch inside __iter__, so every epoch gets the same "random" order
class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        if not self.shuffle:
            yield from range(self.n)
            return
        torch.manual_seed(42)
        yield from torch.randperm(self.n).tolist()
