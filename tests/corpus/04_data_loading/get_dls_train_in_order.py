# exercise: get_dls
# verdict: wrong
# fails: test_get_dls_loaders
# hint: shuffle=True gives a new random order every
# why: forgets to shuffle the training loader
def get_dls(train_ds, valid_ds, bs, **kwargs):
    return (torch.utils.data.DataLoader(train_ds, batch_size=bs, **kwargs),
            torch.utils.data.DataLoader(valid_ds, batch_size=bs * 2, **kwargs))
