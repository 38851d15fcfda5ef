# exercise: DataLoader
# verdict: wrong
# fails: test_DataLoader_epochs
# hint: __iter__ must start a fresh pass every
# why: a generator function, not a class: it can be iterated only once, so epoch two is empty
def DataLoader(ds, batchs, collate_fn=collate):
    for b in batchs:
        yield collate_fn([ds[i] for i in b])
