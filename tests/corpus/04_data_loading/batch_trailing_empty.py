# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_values
# hint: when bs divides the number of indices
# why: yields an empty batch at the end when bs divides the number of indices
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
        if not self.drop_last:
            yield batch
