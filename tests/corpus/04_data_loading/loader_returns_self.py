# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_epochs
# hint: __iter__ must start a fresh pass every
# why: __iter__ returns self around an iterator made in __init__, so epoch two is empty
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.collate_fn = ds, collate_fn
        self._batchs = iter(batchs)

    def __iter__(self):
        return self

    def __next__(self):
        b = next(self._batchs)
        return self.collate_fn([self.ds[i] for i in b])
