# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_drop_last_epochs
# hint: with drop_last=True leave out the last batch
# why: ignores drop_last and always yields the last, shorter batch
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs = sampler, bs

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.bs:
                yield batch
                batch = []
        if batch:
            yield batch
