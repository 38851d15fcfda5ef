# exercise: Sampler
# verdict: correct
# why: numpy's permutation, yielding numpy integers
import numpy as np


class Sampler:
    def __init__(self, ds, shuffle=False):
        self.ds, self.shuffle = ds, shuffle

    def __iter__(self):
        n = len(self.ds)
        yield from (np.random.permutation(n) if self.shuffle else np.arange(n))
