# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_values
# hint: call the collate_fn the loader was given
# why: calls the notebook's collate instead of the collate_fn it was given
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        for b in self.batchs:
            yield collate([self.ds[i] for i in b])
