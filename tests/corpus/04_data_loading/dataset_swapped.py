# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_items test_Dataset_batches
# hint: ds[i] is the pair
# why: returns (y, x) instead of (x, y)
class Dataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.y[i], self.x[i]
