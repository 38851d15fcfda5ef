# exercise: Sampler
# verdict: wrong
# fails: test_Sampler_shuffle
# hint: shuffle=True should shuffle
# why: never shuffles, whatever shuffle says
class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n = len(ds)

    def __iter__(self):
        return iter(range(self.n))
