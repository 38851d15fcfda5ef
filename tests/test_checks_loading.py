"""workbook.checks.loading: every check_* case of 04_data_loading passes a correct answer and fails a
known wrong one with the hint a student needs.

The correct answers below are tiny solutions written here (this file never ships to students);
each wrong one differs from them by one realistic slip.
"""

import itertools
import re

import pytest
import torch
import torch.utils.data as tud
from conftest import source_notebook

import workbook.checks as C
from workbook.checks import CheckFailure
from workbook.checks import loading as L
from workbook.course.table import assignment


def passes(exercise: str, check, *args, namespace=None, **kwargs):
    with C.exercise(exercise, namespace={} if namespace is None else namespace) as ex:
        check(ex, *args, **kwargs)


def failure(exercise: str, check, *args, namespace=None, **kwargs) -> str:
    """The message of the failure ``check`` raises (the test fails when it raises none)."""
    with pytest.raises(CheckFailure) as info:
        passes(exercise, check, *args, namespace=namespace, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{exercise}: "), message
    return message


# -- correct answers -----------------------------------------------------------------------

class Dataset:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class Sampler:
    def __init__(self, ds, shuffle=False):
        self.n, self.shuffle = len(ds), shuffle

    def __iter__(self):
        return iter(torch.randperm(self.n).tolist() if self.shuffle else range(self.n))


class BatchSampler:
    def __init__(self, sampler, bs, drop_last=False):
        self.sampler, self.bs, self.drop_last = sampler, bs, drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.bs:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch


def collate(b):
    xs, ys = zip(*b)
    return torch.stack(xs), torch.stack(ys)


class DataLoader:
    def __init__(self, ds, batchs, collate_fn=collate):
        self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn

    def __iter__(self):
        for b in self.batchs:
            yield self.collate_fn([self.ds[i] for i in b])


def accuracy(out, yb):
    return (out.argmax(dim=1) == yb).float().mean()


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for _ in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_func(model(xb), yb).backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            n, loss, acc = 0, 0.0, 0.0
            for xb, yb in valid_dl:
                out = model(xb)
                n += len(yb)
                loss += loss_func(out, yb).item() * len(yb)
                acc += accuracy(out, yb).item() * len(yb)
    return loss / n, acc / n


def reference_fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    """The notebook's hidden reference, written another way round (zero_grad first)."""
    for _ in range(epochs):
        model.train(True)
        for xb, yb in train_dl:
            opt.zero_grad()
            loss_func(model(xb), yb).backward()
            opt.step()
        model.train(False)
        with torch.no_grad():
            sums = [(len(yb) * float(loss_func(model(xb), yb)), len(yb) * float(accuracy(model(xb), yb)), len(yb))
                    for xb, yb in valid_dl]
        seen = sum(s[2] for s in sums)
        result = sum(s[0] for s in sums) / seen, sum(s[1] for s in sums) / seen
    return result


def get_dls(train_ds, valid_ds, bs, **kwargs):
    return (tud.DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            tud.DataLoader(valid_ds, batch_size=bs * 2, **kwargs))


# -- the course table ------------------------------------------------------------------------

def test_torch_classes_are_the_course_tables_classes():
    listed = {name for e in assignment("04_data_loading").exercises for name in e.torch_classes}
    assert set(L.TORCH_CLASSES) == {tud.TensorDataset, tud.SequentialSampler, tud.RandomSampler,
                                    tud.BatchSampler, tud.DataLoader}
    assert all(f"{cls.__module__.rsplit('.', 1)[0]}.{cls.__name__}" in listed
               or f"torch.utils.data.{cls.__name__}" in listed for cls in L.TORCH_CLASSES)
    assert L._resolve("torch.utils.data.default_collate") is tud.default_collate  # a function: left out
    assert L._resolve("torch.utils.data.no_such_name") is None


def test_the_hinted_block_lives_on_the_exercise_only():
    assert not hasattr(L, "hinted")


def test_hidden_tests_are_short_lists_of_cases():
    """Scenarios and hint texts live in loading.py, documented; the hidden cells only list cases."""
    nb = source_notebook("04_data_loading")
    for cell in nb.cells:
        hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*)### END HIDDEN TESTS", cell.source, re.S)
        if hidden:
            assert "hint" not in hidden.group(1) and "C.loading.assert_" not in hidden.group(1), cell.source
    for name in dir(L):
        if name.startswith("check_"):
            assert getattr(L, name).__doc__, f"{name} has no docstring"


# -- Dataset ---------------------------------------------------------------------------------

class AbsIndexDataset(Dataset):
    def __getitem__(self, i):
        return self.x[abs(i)], self.y[abs(i)]


class FeaturesLenDataset(Dataset):
    def __len__(self):
        return self.x.shape[-1]


class RoundingDataset(Dataset):
    def __getitem__(self, i):
        return self.x[i].half().to(self.x.dtype), self.y[i]


class IntIndexDataset(Dataset):
    def __getitem__(self, i):
        return self.x[int(i)], self.y[int(i)]


def test_dataset_items():
    passes("Dataset", L.check_dataset_items, Dataset)
    assert "they know negative indices" in failure("Dataset", L.check_dataset_items, AbsIndexDataset)
    assert "asks you to write the class yourself" in failure("Dataset", L.check_dataset_items, tud.TensorDataset)


def test_dataset_shape():
    passes("Dataset", L.check_dataset_shape, Dataset, shape=(6, 2, 3), seed=3)
    message = failure("Dataset", L.check_dataset_shape, FeaturesLenDataset, shape=(5, 2), seed=1)
    assert "len(ds): 2 for x of shape (5, 2), expected 5" in message
    assert "the size of the first dimension" in message


def test_dataset_device():
    passes("Dataset", L.check_dataset_device, Dataset, "cpu")
    assert "keep the tensors as they are" in failure("Dataset", L.check_dataset_device, RoundingDataset, "cpu")


@pytest.mark.parametrize("index", [slice(1, 4), slice(None, None, 2), [0, 3, 5], torch.tensor([6, 0, 2])])
def test_dataset_batch(index):
    passes("Dataset", L.check_dataset_batch, Dataset, index)
    message = failure("Dataset", L.check_dataset_batch, IntIndexDataset, index)
    assert f"ds[{L._index_text(index)}] with x of shape (7, 3)" in message
    assert "index both tensors with the index itself" in message and "in your code, in __getitem__" in message


def test_index_text_writes_indices_as_in_code():
    assert [L._index_text(i) for i in (slice(1, 4), slice(None, 3), slice(5, None), slice(None, None, 2),
                                       [6], torch.tensor([6, 0, 2]))] == \
        ["1:4", ":3", "5:", "::2", "[6]", "torch.tensor([6, 0, 2])"]


# -- Sampler ---------------------------------------------------------------------------------

class ShuffledByDefault(Sampler):
    def __init__(self, ds, shuffle=True):
        super().__init__(ds, shuffle)


class FromOne(Sampler):
    def __iter__(self):
        return iter(range(1, self.n + 1))


class ShuffledOnce(Sampler):
    def __init__(self, ds, shuffle=False):
        super().__init__(ds, shuffle)
        self.order = torch.randperm(self.n).tolist()

    def __iter__(self):
        return iter(self.order if self.shuffle else range(self.n))


class WithReplacement(Sampler):
    def __iter__(self):
        return iter(torch.randint(self.n, (self.n,)).tolist() if self.shuffle else range(self.n))


def test_sampler_in_order():
    passes("Sampler", L.check_sampler_in_order, Sampler, n=5, seed=5)
    assert "shuffle defaults to False" in failure("Sampler", L.check_sampler_in_order, ShuffledByDefault, n=5, seed=5)
    assert "indices start at 0" in failure("Sampler", L.check_sampler_in_order, FromOne, n=5, seed=5)
    assert "write the class yourself" in failure("Sampler", L.check_sampler_in_order,
                                                 lambda ds, shuffle=False: tud.SequentialSampler(ds), n=5, seed=5)


def test_sampler_shuffle():
    passes("Sampler", L.check_sampler_shuffle, Sampler, n=20, seed=1)
    assert "draw a new permutation inside __iter__" in failure("Sampler", L.check_sampler_shuffle, ShuffledOnce,
                                                               n=20, seed=1)
    assert "every index exactly once per epoch" in failure("Sampler", L.check_sampler_shuffle, WithReplacement,
                                                           n=20, seed=1)


def test_sampler_shuffle_demands_reproducible_orders():
    fresh = itertools.count(100)

    class Unseeded(Sampler):
        def __iter__(self):
            g = torch.Generator().manual_seed(next(fresh))
            return iter(torch.randperm(self.n, generator=g).tolist())

    assert "draw from a random number generator that seeding fixes" in failure(
        "Sampler", L.check_sampler_shuffle, Unseeded, n=20, seed=1)


# -- BatchSampler ----------------------------------------------------------------------------

class NeverPartial(BatchSampler):
    def __iter__(self):
        items = list(self.sampler)
        for i in range(0, len(items) - self.bs + 1, self.bs):
            yield items[i:i + self.bs]


class AlwaysPartial(BatchSampler):
    def __iter__(self):
        items = list(self.sampler)
        for i in range(0, len(items), self.bs):
            yield items[i:i + self.bs]


class TrailingEmpty(BatchSampler):
    def __iter__(self):
        items = list(self.sampler)
        for i in range(0, len(items) + 1, self.bs):
            yield items[i:i + self.bs]


class ReadsSamplerOnce(BatchSampler):
    def __init__(self, sampler, bs, drop_last=False):
        super().__init__(list(sampler), bs, drop_last)


class TorchSubclass(tud.BatchSampler):
    def __init__(self, sampler, bs, drop_last=False):
        super().__init__(sampler, bs, drop_last)


def test_batch_sampler():
    passes("BatchSampler", L.check_batch_sampler, BatchSampler, n=7, seed=7)
    assert "with drop_last=False keep the last, shorter batch" in failure(
        "BatchSampler", L.check_batch_sampler, NeverPartial, n=7, seed=7)


def test_batch_sampler_drop_last():
    passes("BatchSampler", L.check_batch_sampler_drop_last, BatchSampler, n=7, seed=8)
    assert "with drop_last=True leave out the last batch" in failure(
        "BatchSampler", L.check_batch_sampler_drop_last, AlwaysPartial, n=7, seed=8)


def test_batch_sampler_range():
    passes("BatchSampler", L.check_batch_sampler_range, BatchSampler, n=8, bs=4)
    assert "no empty batch at the end" in failure("BatchSampler", L.check_batch_sampler_range, TrailingEmpty,
                                                  n=8, bs=4)
    assert "write the class yourself" in failure("BatchSampler", L.check_batch_sampler_range, TorchSubclass,
                                                 n=8, bs=4)


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_epochs(drop_last):
    passes("BatchSampler", L.check_batch_sampler_epochs, BatchSampler, n=10, bs=4, seeds=(21, 22),
           drop_last=drop_last)
    assert "these are the previous epoch's batches" in failure(
        "BatchSampler", L.check_batch_sampler_epochs, ReadsSamplerOnce, n=10, bs=4, seeds=(21, 22),
        drop_last=drop_last)


# -- collate ---------------------------------------------------------------------------------

def collate_cat(b):
    xs, ys = zip(*b)
    return torch.cat(xs), torch.stack(ys)


def collate_two_passes(b):
    return torch.stack([x for x, _ in b]), torch.stack([y for _, y in b])


@pytest.mark.parametrize("case", [dict(shape=(6, 5), classes=3, seed=1), dict(shape=(1, 4), classes=4, seed=5),
                                  dict(shape=(3, 2), classes=2, seed=7, dtype=torch.float64),
                                  dict(shape=(3, 2), classes=5, seed=9, as_lists=True),
                                  dict(shape=(4, 3), classes=3, seed=11, device="cpu")])
def test_collate(case):
    passes("collate", L.check_collate, collate, **case)
    assert "stack the xs along a new first dimension" in failure("collate", L.check_collate, collate_cat, **case)


def test_collate_messages_name_the_inputs():
    assert "collate of 3 pairs, float64 x of shape (2,), x" in failure(
        "collate", L.check_collate, collate_cat, shape=(3, 2), classes=2, seed=7, dtype=torch.float64)
    assert "collate of a single pair, x of shape (4,)" in failure(
        "collate", L.check_collate, collate_cat, shape=(1, 4), classes=4, seed=5)


def test_collate_iterable():
    passes("collate", L.check_collate_iterable, collate, n=5, seed=13)
    message = failure("collate", L.check_collate_iterable, collate_two_passes, n=5, seed=13)
    assert "a generator can be gone through only once" in message
    # wrong on a list as well: the mistake is elsewhere, and the generator hint would mislead
    assert "stack the xs" in failure("collate", L.check_collate_iterable, collate_cat, n=5, seed=13)


# -- DataLoader ------------------------------------------------------------------------------

class SortsBatches(DataLoader):
    def __iter__(self):
        for b in self.batchs:
            yield self.collate_fn([self.ds[i] for i in sorted(b)])


class IgnoresCollateFn(DataLoader):
    def __iter__(self):
        for b in self.batchs:
            yield collate([self.ds[i] for i in b])


class BatchIndexing(DataLoader):
    def __iter__(self):
        for b in self.batchs:
            yield self.ds[b]


class OneIterator(DataLoader):
    def __init__(self, ds, batchs, collate_fn=collate):
        super().__init__(ds, batchs, collate_fn)
        self.it = (self.collate_fn([ds[i] for i in b]) for b in batchs)

    def __iter__(self):
        return self.it


class BatchesInInit(DataLoader):
    def __init__(self, ds, batchs, collate_fn=collate):
        super().__init__(ds, [list(b) for b in batchs], collate_fn)


class DefaultNone(DataLoader):
    def __init__(self, ds, batchs, collate_fn=None):
        super().__init__(ds, batchs, collate_fn)


BATCHES_9 = [[5, 1], [0, 8, 2, 7], [3, 4, 6]]


def test_loader():
    passes("DataLoader", L.check_loader, DataLoader, n=5, batches=[[4, 0], [1, 2, 3]], seed=4)
    message = failure("DataLoader", L.check_loader, SortsBatches, n=5, batches=[[4, 0], [1, 2, 3]], seed=4)
    assert message.startswith("DataLoader: DataLoader(ds of 5 items on cpu, [[4, 0], [1, 2, 3]]), batch 0")


def test_loader_collate_fn():
    passes("DataLoader", L.check_loader_collate_fn, DataLoader, n=9, batches=BATCHES_9, seed=3)
    for wrong in (IgnoresCollateFn, BatchIndexing):
        assert "call the collate_fn the loader was given" in failure(
            "DataLoader", L.check_loader_collate_fn, wrong, n=9, batches=BATCHES_9, seed=3)


def test_loader_on_list():
    passes("DataLoader", L.check_loader_on_list, DataLoader, n=9, batches=BATCHES_9, seed=3)
    message = failure("DataLoader", L.check_loader_on_list, BatchIndexing, n=9, batches=BATCHES_9, seed=3)
    assert "list indices must be integers" in message and "not the dataset's batch indexing" in message


def test_loader_epochs():
    passes("DataLoader", L.check_loader_epochs, DataLoader, n=8, batches=[[0, 1, 2], [3, 4, 5], [6, 7]], seed=5)
    assert "__iter__ must start a fresh pass" in failure(
        "DataLoader", L.check_loader_epochs, OneIterator, n=8, batches=[[0, 1, 2], [3, 4, 5], [6, 7]], seed=5)


def test_loader_reshuffles():
    orders = ([[7, 0, 3], [5, 1], [2, 6, 4]], [[1, 2], [6, 0, 5], [3, 7, 4]])
    passes("DataLoader", L.check_loader_reshuffles, DataLoader, n=8, seed=5, orders=orders)
    assert "go through batchs afresh in every __iter__" in failure(
        "DataLoader", L.check_loader_reshuffles, BatchesInInit, n=8, seed=5, orders=orders)


def test_default_collate_is_the_notebooks_collate():
    case = dict(n=7, batches=[[0, 1, 2], [3, 4, 5], [6]], seed=6)
    notebook = {"collate": collate}
    passes("DataLoader", L.check_default_collate, DataLoader, namespace=notebook, **case)
    assert "keep the signature DataLoader(ds, batchs, collate_fn=collate)" in failure(
        "DataLoader", L.check_default_collate, DefaultNone, namespace=notebook, **case)
    # without a notebook collate there is nothing to compare with: the case passes
    passes("DataLoader", L.check_default_collate, DefaultNone, **case)


# -- fit -------------------------------------------------------------------------------------

def fit_unweighted(epochs, model, loss_func, opt, train_dl, valid_dl):
    for _ in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_func(model(xb), yb).backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            losses = [(loss_func(model(xb), yb).item(), accuracy(model(xb), yb).item()) for xb, yb in valid_dl]
    return sum(v[0] for v in losses) / len(losses), sum(v[1] for v in losses) / len(losses)


def fit_no_zero_grad(epochs, model, loss_func, opt, train_dl, valid_dl):
    opt.zero_grad = lambda *a, **k: None  # its gradients accumulate over every batch
    return fit(epochs, model, loss_func, opt, train_dl, valid_dl)


def fit_no_train(epochs, model, loss_func, opt, train_dl, valid_dl):
    model.train = lambda mode=True: model  # the model stays in the mode it was left in
    return fit(epochs, model, loss_func, opt, train_dl, valid_dl)


def fit_valid_with_grad(epochs, model, loss_func, opt, train_dl, valid_dl):
    torch_no_grad, torch.no_grad = torch.no_grad, torch.enable_grad  # as if `with torch.no_grad():` were missing
    try:
        return fit(epochs, model, loss_func, opt, train_dl, valid_dl)
    finally:
        torch.no_grad = torch_no_grad


FIT_CASE = dict(reference=reference_fit, accuracy=accuracy, seed=1, epochs=1, n_valid=7, valid_bs=3)


def test_fit():
    passes("fit", L.check_fit, fit, **FIT_CASE)
    assert L.FIT_WEIGHT_HINT in failure("fit", L.check_fit, fit_unweighted, **FIT_CASE)
    message = failure("fit", L.check_fit, fit_no_zero_grad, **dict(FIT_CASE, epochs=2))
    assert "fit for 2 epochs, the trained model: parameter" in message and L.FIT_TRAIN_HINT in message


def test_fit_modes():
    passes("fit", L.check_fit_modes, fit, seed=4, epochs=1, eval_first=False)
    passes("fit", L.check_fit_modes, fit, seed=3, epochs=2, eval_first=True)
    assert "call model.train() before the training batches" in failure(
        "fit", L.check_fit_modes, fit_no_train, seed=3, epochs=2, eval_first=True)
    assert "wrap the validation pass in `with torch.no_grad():`" in failure(
        "fit", L.check_fit_modes, fit_valid_with_grad, seed=3, epochs=2, eval_first=True)


# -- get_dls ---------------------------------------------------------------------------------

def get_dls_valid_shuffled(train_ds, valid_ds, bs, **kwargs):
    return (tud.DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            tud.DataLoader(valid_ds, batch_size=bs * 2, shuffle=True, **kwargs))


def get_dls_train_in_order(train_ds, valid_ds, bs, **kwargs):
    return tud.DataLoader(train_ds, batch_size=bs, **kwargs), tud.DataLoader(valid_ds, batch_size=bs * 2, **kwargs)


def get_dls_kwargs_train_only(train_ds, valid_ds, bs, **kwargs):
    return (tud.DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            tud.DataLoader(valid_ds, batch_size=bs * 2))


def get_dls_drops_kwargs(train_ds, valid_ds, bs, **kwargs):
    return get_dls(train_ds, valid_ds, bs)


def test_get_dls():
    passes("get_dls", L.check_get_dls, get_dls, n_train=21, n_valid=17, bs=4)
    assert "batches of 2 * bs, in order" in failure("get_dls", L.check_get_dls, get_dls_valid_shuffled,
                                                    n_train=21, n_valid=17, bs=4)
    assert "shuffle=True gives a new random order every epoch" in failure(
        "get_dls", L.check_get_dls, get_dls_train_in_order, n_train=10, n_valid=7, bs=3)
    assert "use torch.utils.data.DataLoader" in failure(
        "get_dls", L.check_get_dls, lambda t, v, bs: (DataLoader(t, [[0]]), DataLoader(v, [[0]])),
        n_train=10, n_valid=7, bs=3)


def test_get_dls_collate_fn():
    passes("get_dls", L.check_get_dls_collate_fn, get_dls, n_train=10, n_valid=7, bs=3)
    message = failure("get_dls", L.check_get_dls_collate_fn, get_dls_kwargs_train_only, n_train=10, n_valid=7, bs=3)
    assert "valid_dl: called f 0 times for its 2 batches" in message and L.KWARGS_HINT in message


def test_get_dls_drop_last():
    passes("get_dls", L.check_get_dls_drop_last, get_dls, n_train=10, n_valid=7, bs=3)
    message = failure("get_dls", L.check_get_dls_drop_last, get_dls_drops_kwargs, n_train=10, n_valid=7, bs=3)
    assert "the last, shorter batch should be dropped" in message and L.KWARGS_HINT in message


def test_failures_are_structured():
    """Every failure keeps its parts, so the report reads the hint without parsing free text."""
    with pytest.raises(CheckFailure) as info:
        passes("get_dls", L.check_get_dls_drop_last, get_dls_drops_kwargs, n_train=10, n_valid=7, bs=3)
    parts = info.value.failure
    assert (parts.exercise, parts.what, parts.hint) == (
        "get_dls", "get_dls(<10 examples>, <7 examples>, 3, drop_last=True), train_dl", L.KWARGS_HINT)
