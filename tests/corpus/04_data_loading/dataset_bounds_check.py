# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_items test_Dataset_batches
# hint: index -1 out of range
# hint-class: none
# why: a hand-made bounds check rejects negative indices and breaks on slices and lists
class Dataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        if i < 0 or i >= len(self):
            raise IndexError(f"index {i} out of range")
        return self.x[i], self.y[i]
