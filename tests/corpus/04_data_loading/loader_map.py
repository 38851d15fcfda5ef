# exercise: DataLoader
# verdict: correct
# why: fetches the items with map and hands collate_fn the map object
class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        getitem = self.ds.__getitem__
        for b in self.batchs:
            yield self.collate_fn(map(getitem, b))
