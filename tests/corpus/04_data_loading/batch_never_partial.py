# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_values test_BatchSampler_drop_last_epochs
# hint: with drop_last=False keep the last, shorter batch
# why: never yields the last, shorter batch, even with drop_last=False
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.bs:
                yield batch
                batch = []
