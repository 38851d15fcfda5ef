# exercise: DataLoader
# verdict: correct
# why: __iter__ returns a new generator expression, and collate_fn gets a list
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds = ds
        self.batchs = batchs
        self.collate_fn = collate_fn

    def __iter__(self):
        return (self.collate_fn([self.ds[i] for i in b]) for b in self.batchs)
