# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_values test_DataLoader_epochs
# hint: expected a pair (x, y)
# hint-class: none
# why: passes the batch of indices to collate_fn instead of the dataset's items
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        for b in self.batchs:
            yield self.collate_fn(b)
