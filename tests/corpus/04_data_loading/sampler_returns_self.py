# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_sequential test_Sampler_shuffle
# hint: __iter__ must start a fresh pass every
# why: __iter__ returns self around one iterator, so the second epoch is empty
class Sampler:
    def __init__(self, ds, shuffle=False):
        n = len(ds)
        self._it = iter(torch.randperm(n).tolist() if shuffle else range(n))

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)
