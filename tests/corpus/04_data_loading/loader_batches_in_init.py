# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_epochs
# hint: go through batchs afresh in every __iter__
# why: collates every batch once in __init__, so a shuffling batch sampler never reshuffles
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.batches = [collate_fn([ds[i] for i in b]) for b in batchs]

    def __iter__(self):
        return iter(self.batches)
