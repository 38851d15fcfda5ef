# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_shuffle
# hint: every index exactly once per epoch
# why: draws random indices with replacement, so some repeat and others never come
class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        if self.shuffle:
            return iter(torch.randint(self.n, (self.n,)).tolist())
        return iter(range(self.n))
