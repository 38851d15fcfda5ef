# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_values
# hint: call the collate_fn the loader was given
# why: indexes the dataset with the whole batch and skips collate_fn (works only for tensor datasets)
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        for b in self.batchs:
            yield self.ds[b]
