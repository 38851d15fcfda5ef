# exercise: BatchSampler
# verdict: correct
# why: splits a tensor of the indices, yielding 1-D integer tensors
class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        for batch in torch.tensor(list(self.sampler), dtype=torch.int64).split(self.bs):
            if self.drop_last and len(batch) < self.bs:
                break
            yield batch
