# exercise: get_dls
# verdict: wrong
# fails: test_get_dls_kwargs
# hint: pass **kwargs on to both DataLoaders
# why: passes **kwargs to the training loader only
def get_dls(train_ds, valid_ds, bs, **kwargs):
    return (torch.utils.data.DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            torch.utils.data.DataLoader(valid_ds, batch_size=bs * 2))
