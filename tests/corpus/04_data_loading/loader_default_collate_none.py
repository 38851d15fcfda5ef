# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_epochs
# hint: keep the signature DataLoader(ds, batchs, collate_fn=collate)
# why: the signature's default is collate_fn=None, so a loader made without a collate_fn calls None on each batch
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=None):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        for b in self.batchs:
            yield self.collate_fn([self.ds[i] for i in b])
