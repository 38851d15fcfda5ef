# exercise: Dataset
# verdict: correct
# why: any number of tensors, indexed together in a tuple comprehension
class Dataset:
    def __init__(self, *tensors):
        self.tensors = tensors

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)
