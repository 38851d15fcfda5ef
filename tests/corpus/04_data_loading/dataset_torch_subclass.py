# exercise: Dataset
# verdict: wrong
# fails: test_Dataset_items
# hint: asks you to write the class yourself
# why: hands back PyTorch's TensorDataset instead of writing the class
import torch


class Dataset(torch.utils.data.TensorDataset):
    pass
