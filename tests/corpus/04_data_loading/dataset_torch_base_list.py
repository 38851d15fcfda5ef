# exercise: Dataset
# verdict: correct
# why: derives from the abstract torch.utils.data.Dataset and returns a list [x, y]
import torch


class Dataset(torch.utils.data.Dataset):
    def __init__(self, x, y):
        assert x.shape[0] == y.shape[0], "x and y need the same number of rows"
        self.x = x
        self.y = y

    def __len__(self):
        return self.y.size(0)

    def __getitem__(self, i):
        return [self.x[i], self.y[i]]
