# exercise: get_dls
# verdict: correct
# why: PyTorch's samplers named explicitly, returned as a list
def get_dls(train_ds, valid_ds, bs, **kwargs):
    tud = torch.utils.data
    train_dl = tud.DataLoader(train_ds, batch_size=bs, sampler=tud.RandomSampler(train_ds), **kwargs)
    valid_dl = tud.DataLoader(valid_ds, batch_size=2 * bs, sampler=tud.SequentialSampler(valid_ds), **kwargs)
    return [train_dl, valid_dl]
