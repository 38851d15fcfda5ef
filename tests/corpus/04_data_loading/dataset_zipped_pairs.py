# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_batches
# hint: index both tensors with the index itself
# why: stores a Python list of (x, y) pairs, so a slice gives a list of pairs and a list of indices fails
class Dataset:
    def __init__(self, x, y):
        self.items = list(zip(x, y))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
