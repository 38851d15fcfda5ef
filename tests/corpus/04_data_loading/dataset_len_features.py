# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_items
# hint: len(ds) is 3 for x of shape (7, 3), expected 7
# hint-class: none
# why: len(ds) is the number of features (x.shape[1]), not the number of examples
class Dataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return self.x.shape[1]

    def __getitem__(self, i):
        return self.x[i], self.y[i]
