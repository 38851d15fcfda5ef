# exercise: get_dls
# verdict: wrong
# fails: test_get_dls_loaders
# hint: batches of 2 * bs, in order
# hint-class: none
# why: shuffles the validation loader too
def get_dls(train_ds, valid_ds, bs, **kwargs):
    return (torch.utils.data.DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            torch.utils.data.DataLoader(valid_ds, batch_size=bs * 2, shuffle=True, **kwargs))
