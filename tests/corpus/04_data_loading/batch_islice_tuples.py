# exercise: BatchSampler
# verdict: correct
# why: itertools.islice, yielding tuples
from itertools import islice


class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        it = iter(self.sampler)
        while batch := tuple(islice(it, self.bs)):
            if len(batch) < self.bs and self.drop_last:
                return
            yield batch
