# exercise: get_dls
# verdict: correct
# why: PyTorch loaders driven by the notebook's own Sampler and BatchSampler, drop_last taken out of kwargs
def get_dls(train_ds, valid_ds, bs, **kwargs):
    drop_last = kwargs.pop("drop_last", False)
    train = BatchSampler(Sampler(train_ds, shuffle=True), bs, drop_last)
    valid = BatchSampler(Sampler(valid_ds), 2 * bs, drop_last)
    return (torch.utils.data.DataLoader(train_ds, batch_sampler=train, **kwargs),
            torch.utils.data.DataLoader(valid_ds, batch_sampler=valid, **kwargs))
