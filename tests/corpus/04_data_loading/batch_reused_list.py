# exercise: BatchSampler
# verdict: wrong
# fails: test_BatchSampler_values test_BatchSampler_drop_last_epochs
# hint: every batch came out the same
# why: clears and refills the list it already yielded, so the caller's batches change under it
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.bs:
                yield batch
                batch.clear()
        if batch and not self.drop_last:
            yield batch
