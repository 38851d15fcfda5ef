# exercise: Sampler
# verdict: correct
# why: shuffles a fresh list with Python's random.shuffle in every __iter__
import random


class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n = len(ds)
        self.shuffle = shuffle

    def __iter__(self):
        order = list(range(self.n))
        if self.shuffle:
            random.shuffle(order)
        return iter(order)
