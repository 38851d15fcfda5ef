# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_drop_last_epochs
# hint: __iter__ must start a fresh pass every
# why: __iter__ hands out one generator made in __init__, so the second epoch is empty
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last
        self._batches = self._make()

    def _make(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.bs:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __iter__(self):
        return self._batches
