# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_batches
# hint: index both tensors with the index itself
# why: converts the index with int(), which only works for single examples
class Dataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[int(i)], self.y[int(i)]
