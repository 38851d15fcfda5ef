# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_shuffle
# hint: draw a new permutation inside __iter__, not
# why: draws the permutation once in __init__, so every epoch comes in the same order
class Sampler:
    def __init__(self, ds, shuffle=False):
        n = len(ds)
        self.order = torch.randperm(n).tolist() if shuffle else list(range(n))

    def __iter__(self):
        return iter(self.order)
