# exercise: DataLoader
# verdict: correct
# why: collate_fn defaults to None and falls back on the notebook's collate when the loader iterates
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=None):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        fn = collate if self.collate_fn is None else self.collate_fn
        for b in self.batchs:
            yield fn([self.ds[i] for i in b])
