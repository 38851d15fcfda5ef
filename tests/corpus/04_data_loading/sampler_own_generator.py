# exercise: Sampler
# verdict: correct
# why: like PyTorch's RandomSampler, seeds a private generator from torch's global one every epoch
class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        if not self.shuffle:
            return iter(range(self.n))
        seed = int(torch.empty((), dtype=torch.int64).random_().item())
        g = torch.Generator().manual_seed(seed)
        return iter(torch.randperm(self.n, generator=g).tolist())
