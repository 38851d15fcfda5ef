# exercise: BatchSampler
# verdict: correct
# why: lists the sampler at the start of every epoch and slices it
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        idxs = list(self.sampler)
        stop = len(idxs) - len(idxs) % self.bs if self.drop_last else len(idxs)
        return iter([idxs[i:i + self.bs] for i in range(0, stop, self.bs)])
