# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_drop_last_epochs
# hint: these are the previous epoch's batches
# why: lists the sampler once in __init__, so a shuffling sampler's first order comes back every epoch
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.idxs, self.bs, self.drop_last = list(sampler), bs, drop_last

    def __iter__(self):
        for start in range(0, len(self.idxs), self.bs):
            batch = self.idxs[start:start + self.bs]
            if len(batch) == self.bs or not self.drop_last:
                yield batch
