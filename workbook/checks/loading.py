"""Checks for 04_data_loading: datasets, samplers, loaders and fit (owned by that notebook).

The notebook's test cells reach these as ``C.loading``; each hidden test is a short list of
``check_*`` cases, one scenario each, whose docstring says what it proves. They hold no
solution: the reference values come from PyTorch's own classes (``TensorDataset``,
``BatchSampler``, ``DataLoader``, ``default_collate``). The reference ``fit`` loop, and the
accuracy it needs, live in the notebook's hidden test cells and come in as arguments: every
student has this package from the first day.
"""

import contextlib
import importlib
import inspect
import operator
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
import torch.utils.data as tud
from torch import nn

from workbook.course.table import assignment

from .compare import assert_close
from .failures import describe
from .inputs import randint, randn

ASSIGNMENT = "04_data_loading"


def _resolve(dotted: str):
    """The object a dotted name such as ``torch.utils.data.DataLoader`` names, or None."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name, None)
        return obj
    return None


def _torch_classes(assignment_name: str) -> tuple[type, ...]:
    """The PyTorch classes the course table lists for the assignment's exercises (functions and
    names this PyTorch lacks are left out: only an instance of a class can be handed back)."""
    found = (_resolve(name) for ex in assignment(assignment_name).exercises for name in ex.torch_classes)
    return tuple(dict.fromkeys(obj for obj in found if inspect.isclass(obj)))


# PyTorch's versions of the exercises: an answer that merely hands one of them back is not
# the student's own class.
TORCH_CLASSES = _torch_classes(ASSIGNMENT)

# Hints that more than one check gives.
FRESH_PASS_HINT = ("__iter__ must start a fresh pass every time it is called: make it a generator "
                   "(use yield) or return a new iterator, never self or an iterator made in __init__")
STACK_HINT = ("stack the xs along a new first dimension (torch.stack) and the ys likewise; "
              "keep their dtypes (labels stay int64)")
FIT_TRAIN_HINT = ("for every training batch: loss, backward, opt.step(), opt.zero_grad(); and run exactly "
                  "`epochs` epochs")
FIT_WEIGHT_HINT = ("weight each validation batch's loss and accuracy by its size and divide by the number of "
                   "validation examples (the last batch is smaller); return the last epoch's values")
KWARGS_HINT = "pass **kwargs on to both DataLoaders"


# -- random state ------------------------------------------------------------------------

@contextlib.contextmanager
def seeded(seed: int):
    """Seed torch, ``random`` and numpy together, and give their old states back afterwards.

    Whichever of the three a student's shuffle draws from, the same seed gives the same
    orders; the notebook's own random streams are left where they were.
    """
    saved = torch.random.get_rng_state(), random.getstate(), np.random.get_state()
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        torch.random.set_rng_state(saved[0])
        random.setstate(saved[1])
        np.random.set_state(saved[2])


# -- inputs ------------------------------------------------------------------------------

def tensors(n: int, features: int = 3, classes: int = 4, seed: int = 0, device="cpu"):
    """Seeded ``(x, y)``: float32 ``(n, features)`` inputs and int64 labels below ``classes``."""
    return (randn(n, features, seed=seed, device=device),
            randint(classes, n, seed=seed + 1, device=device))


def dataset(n: int, features: int = 3, classes: int = 4, seed: int = 0, device="cpu"):
    """PyTorch's ``TensorDataset`` of :func:`tensors`: what the checks feed the loaders."""
    return tud.TensorDataset(*tensors(n, features, classes, seed, device))


def numbered(n: int, classes: int = 3):
    """A ``TensorDataset`` whose inputs are the example numbers: ``x[i] == [i]``, ``y[i] == i % classes``."""
    return tud.TensorDataset(torch.arange(n, dtype=torch.float32).unsqueeze(1),
                             torch.arange(n) % classes)


class Orders:
    """A re-iterable sampler (or batch sampler) whose k-th pass yields ``orders[k % len]``.

    It stands for a shuffling sampler with known orders: code that reads its sampler once
    and keeps the result repeats the first pass instead of following the second.
    """

    def __init__(self, *orders):
        self.orders = [list(o) for o in orders]
        self.passes = 0

    def __iter__(self):
        order = self.orders[self.passes % len(self.orders)]
        self.passes += 1
        return iter([list(o) if isinstance(o, (list, tuple)) else o for o in order])

    def __len__(self):
        return len(self.orders[0])


def pairs_collate(batch):
    """PyTorch's ``default_collate`` on any iterable of pairs (a list or a generator)."""
    return tud.default_collate(list(batch))


class MarkedCollate:
    """A collate function a loader can only reproduce by calling it: it scales the inputs.

    Counts its calls, so a test can tell whether a loader used the ``collate_fn`` it got.
    """

    def __init__(self, scale: float = 10.0):
        self.scale = scale
        self.calls = 0

    def __call__(self, batch):
        self.calls += 1
        items = list(batch)
        return (torch.stack([item[0] for item in items]) * self.scale,
                torch.stack([item[1] for item in items]))


# -- reading what student code yields ----------------------------------------------------

def reject_torch_class(ex, obj, what: str):
    """Fail when ``obj`` is one of PyTorch's classes rather than the student's own."""
    for cls in TORCH_CLASSES:
        if isinstance(obj, cls):
            ex.fail(what, f"is PyTorch's own {cls.__name__}"
                    + ("" if type(obj) is cls else f" (your {type(obj).__name__} derives from it)"),
                    hint="this exercise asks you to write the class yourself (PyTorch's is what the "
                         "checks compare with)")


def passes(ex, obj, count: int = 2) -> list[list]:
    """Iterate ``obj`` ``count`` times, each pass from the start, as a training loop does."""
    return [ex.call(list, obj) for _ in range(count)]


def indices(ex, items, what: str) -> list[int]:
    """``items`` as Python ints; fail when one of them cannot serve as an index."""
    out = []
    for item in items:
        try:
            out.append(operator.index(item))
        except TypeError:
            ex.fail(what, f"yields {describe(item)} ({str(item)[:40]}), expected integer indices "
                          "(Python ints, or integer 0-d tensors)")
    return out


def batches_of_indices(ex, batches, what: str) -> list[list[int]]:
    """Each batch (a list, a tuple or a 1-D integer tensor) as a list of ints."""
    out = []
    for k, batch in enumerate(batches):
        if isinstance(batch, torch.Tensor) and batch.dim() == 1 and not batch.is_floating_point():
            batch = batch.tolist()
        if not isinstance(batch, (list, tuple)):
            ex.fail(f"{what}, batch {k}", f"is {describe(batch)}, expected a list of indices (a tuple is fine)")
        out.append(indices(ex, batch, f"{what}, batch {k}"))
    return out


def numbers(ex, loader, what: str) -> list[list[int]]:
    """One pass of a loader over a :func:`numbered` dataset, as lists of example numbers."""
    out = []
    for k, batch in enumerate(ex.call(list, loader)):
        if not (isinstance(batch, (tuple, list)) and len(batch) == 2 and isinstance(batch[0], torch.Tensor)):
            ex.fail(f"{what}, batch {k}", f"is {describe(batch)}, expected a pair (xb, yb) of tensors")
        out.append([int(v) for v in batch[0].flatten().tolist()])
    return out


def two_loaders(ex, result, what: str):
    """``get_dls``'s result as two ``torch.utils.data.DataLoader``s."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        ex.fail(what, f"returned {describe(result)}, expected a pair (train_dl, valid_dl)")
    for name, dl in zip(("train_dl", "valid_dl"), result):
        if not isinstance(dl, tud.DataLoader):
            ex.fail(what, f"{name} is {describe(dl)}, expected a torch.utils.data.DataLoader",
                    hint="the name DataLoader is your own class in this notebook: use torch.utils.data.DataLoader")
    return result[0], result[1]


def short(values, limit: int = 8) -> str:
    """A list for a message: its first ``limit`` entries, then how many more there are."""
    values = list(values)
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}" + (f", ... ({len(values) - limit} more)]" if len(values) > limit else "]")


def works(fn, *args, **kwargs) -> bool:
    """Whether student code runs without raising (``NotImplementedError`` still propagates)."""
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception:
        return False
    return True


# -- comparing with PyTorch --------------------------------------------------------------

def assert_pair_equal(ex, got, want, what: str, hint: str | None = None):
    """``got`` is an ``(x, y)`` pair equal to ``want``: same shapes, dtypes, devices, values."""
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        ex.fail(what, f"got {describe(got)}"
                + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "")
                + ", expected a pair (x, y) (a tuple or a list of two tensors)", hint=hint)
    for name, g, w in (("x", got[0], want[0]), ("y", got[1], want[1])):
        if not isinstance(g, torch.Tensor):
            ex.fail(what, f"{name} is {describe(g)}, expected a tensor ({describe(w)})", hint=hint)
        assert_close(g, w, name=ex.name, what=f"{what}, {name}", hint=hint, rtol=0.0, atol=0.0)


def assert_batches_equal(ex, got: list, want: list, what: str, hint: str | None = None):
    """A loader's pass: ``(x, y)`` batches equal PyTorch's, batch by batch."""
    if len(got) != len(want):
        ex.fail(what, f"{len(got)} batches, expected {len(want)} (of sizes {[len(w[1]) for w in want]})", hint=hint)
    for k, (g, w) in enumerate(zip(got, want)):
        assert_pair_equal(ex, g, w, f"{what}, batch {k}", hint=hint)


def assert_index_batches(ex, got: list, want: list, what: str, drop_last: bool = False, stale=None):
    """Batches of indices equal PyTorch's ``BatchSampler``'s, with a hint for known slips.

    ``stale``: the previous epoch's batches, which a sampler read only once would repeat.
    """
    if got == want:
        return
    hint = None
    if want and not got:
        hint = FRESH_PASS_HINT
    elif stale is not None and got == stale:
        hint = ("these are the previous epoch's batches: read the sampler afresh in every __iter__ "
                "(listing it once in __init__ freezes a shuffling sampler's first order)")
    elif len(got) > 1 and all(b == got[0] for b in got) and not all(w == want[0] for w in want):
        hint = ("every batch came out the same: yield a new list for each batch (a list that is cleared "
                "or refilled after it was yielded changes the batch the caller already holds)")
    elif got[:-1] == want and got and not got[-1]:
        hint = "when bs divides the number of indices, stop after the last full batch: no empty batch at the end"
    elif not drop_last and got == want[:-1]:
        hint = "with drop_last=False keep the last, shorter batch"
    elif drop_last and got[:-1] == want:
        hint = "with drop_last=True leave out the last batch when it is shorter than bs"
    ex.fail(what, f"got {short(got)}, expected {short(want)}", hint=hint)


def assert_sequential(ex, got: list, n: int, what: str, pass_number: int = 1, default: bool = False):
    """A sampler's pass is exactly ``0, 1, ..., n-1``."""
    if got == list(range(n)):
        return
    hint = None
    if n and not got and pass_number > 1:
        hint = FRESH_PASS_HINT
    elif sorted(got) == list(range(n)):
        hint = "shuffle defaults to False: without it the indices come in order" if default else None
    elif got == list(range(1, n + 1)):
        hint = "indices start at 0 and end at len(ds) - 1"
    ex.fail(f"{what}, pass {pass_number}", f"yields {short(got)}, expected {short(range(n))}", hint=hint)


def assert_permutation(ex, got: list, n: int, what: str, pass_number: int = 1):
    """A shuffled pass holds every index of ``range(n)`` exactly once."""
    if sorted(got) == list(range(n)):
        return
    if n and not got and pass_number > 1:
        ex.fail(what, f"epoch {pass_number} yields no index at all, expected all {n}", hint=FRESH_PASS_HINT)
    seen: dict[int, int] = {}
    for i in got:
        seen[i] = seen.get(i, 0) + 1
    repeated = sorted(i for i, c in seen.items() if c > 1)
    missing = sorted(set(range(n)) - set(seen))
    strange = sorted(i for i in seen if not 0 <= i < n)
    ex.fail(what, f"epoch {pass_number} is not a permutation of 0..{n - 1}: {len(got)} indices"
            + (f", repeated {short(repeated)}" if repeated else "") + (f", missing {short(missing)}" if missing else "")
            + (f", out of range {short(strange)}" if strange else ""),
            hint="every index exactly once per epoch: shuffle a full list of the indices "
                 "(torch.randperm(n) does), don't draw them one by one with replacement")


def assert_new_orders(ex, epochs: list[list[int]], what: str):
    """Consecutive shuffled epochs come in different orders."""
    for k in range(1, len(epochs)):
        if epochs[k] == epochs[k - 1]:
            n = len(epochs[k])
            hint = ("shuffle=True should shuffle: these are the indices in order"
                    if epochs[k] == list(range(n)) else
                    "draw a new permutation inside __iter__, not once in __init__, and don't reseed "
                    "the random number generator there")
            ex.fail(what, f"epochs {k} and {k + 1} come in the same order {short(epochs[k])}, expected a new "
                          "random order every epoch", hint=hint)


def _same(a, b) -> bool:
    """Equal values, whatever the structure (tensors, lists, tuples, anything comparable)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
                and a.dtype == b.dtype and a.device == b.device and torch.equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return a is b


# -- fit's pieces ------------------------------------------------------------------------

class Spy(nn.Module):
    """A pass-through layer that records, for every forward call, which data it saw (the
    training or the validation set), the module's mode and whether autograd was on."""

    def __init__(self, valid_x):
        super().__init__()
        self._valid_rows = {tuple(row) for row in valid_x.tolist()}
        self.calls: list[tuple[str, bool, bool]] = []

    def forward(self, x):
        phase = "valid" if tuple(x[0].tolist()) in self._valid_rows else "train"
        self.calls.append((phase, self.training, torch.is_grad_enabled()))
        return x


@dataclass
class FitProblem:
    """Everything ``fit`` takes, built the same way every time from one seed."""
    model: nn.Module
    opt: torch.optim.Optimizer
    train_dl: tud.DataLoader
    valid_dl: tud.DataLoader
    x_valid: torch.Tensor
    y_valid: torch.Tensor
    spy: Spy | None = None
    describe: str = field(default="")


def fit_problem(seed: int, n_train: int = 22, n_valid: int = 10, bs: int = 4, valid_bs: int = 4,
                features: int = 5, hidden: int = 6, classes: int = 3, lr: float = 0.2,
                momentum: float = 0.5, with_spy: bool = False, eval_first: bool = True) -> FitProblem:
    """A tiny classifier, a torch SGD optimizer and two torch DataLoaders.

    The training loader shuffles with its own generator, so the batches depend only on the
    seed and on how many epochs are run, never on other draws from the global RNG.
    """
    x_train, y_train = tensors(n_train, features, classes, seed=seed)
    x_valid, y_valid = tensors(n_valid, features, classes, seed=seed + 2)
    layers = []
    spy = Spy(x_valid) if with_spy else None
    if spy is not None:
        layers.append(spy)
    with seeded(seed):
        layers += [nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes)]
    model = nn.Sequential(*layers)
    if eval_first:
        model.eval()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    train_dl = tud.DataLoader(tud.TensorDataset(x_train, y_train), batch_size=bs, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    valid_dl = tud.DataLoader(tud.TensorDataset(x_valid, y_valid), batch_size=valid_bs,
                              generator=torch.Generator().manual_seed(seed + 1))
    text = (f"{n_train} training and {n_valid} validation examples of {features} features, batch sizes "
            f"{bs} and {valid_bs}, {classes} classes, a model left in "
            f"{'eval' if eval_first else 'train'} mode")
    return FitProblem(model, opt, train_dl, valid_dl, x_valid, y_valid, spy, text)


def full_set_metrics(model, x, y, accuracy):
    """Loss and ``accuracy`` of ``model`` (in eval mode, without gradients) on all of ``x``.

    The accuracy function comes from the notebook: one written here would be an answer to
    01's exercise, and every student has this package from the first day.
    """
    was_training = model.training
    model.train(False)
    with torch.no_grad():
        logits = model(x)
        metrics = float(F.cross_entropy(logits, y)), float(accuracy(logits, y))
    model.train(was_training)
    return metrics


def as_floats(ex, result, what: str):
    """``fit``'s result as two Python floats; fail on anything else with a hint."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        ex.fail(what, f"returned {describe(result)}, expected a pair (valid_loss, valid_acc)")
    for name, value in zip(("valid_loss", "valid_acc"), result):
        if isinstance(value, torch.Tensor):
            ex.fail(what, f"{name} is a tensor ({describe(value)}), expected a Python float",
                    hint="turn each batch's loss and accuracy into numbers with .item() before you add them up")
        if not isinstance(value, float):
            ex.fail(what, f"{name} is {describe(value)}, expected a float")
    return float(result[0]), float(result[1])


def assert_float_close(ex, actual: float, expected: float, what: str, inputs: str = "",
                       hint: str | None = None, rtol: float = 1e-5, atol: float = 1e-6):
    """Two floats agree within ``rtol``/``atol`` (float32 arithmetic in the student's loop)."""
    if not abs(actual - expected) <= atol + rtol * abs(expected):
        ex.fail(what, f"got {actual:.6g}, expected {expected:.6g}", inputs=inputs, hint=hint)


def assert_same_parameters(ex, model, reference, what: str, inputs: str = "", hint: str | None = None):
    """The trained parameters of ``model`` equal those of ``reference``."""
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        if not torch.allclose(p.detach(), q.detach(), rtol=1e-5, atol=1e-6):
            diff = (p.detach() - q.detach()).abs().max().item()
            ex.fail(what, f"parameter {name} differs from the reference loop's by up to {diff:.3g}",
                    inputs=inputs, hint=hint)


def assert_modes(ex, calls, what: str, valid_batches: int):
    """What the spy saw: training batches in train mode with gradients, validation batches in
    eval mode without, and at least one whole validation pass."""
    train = [c for c in calls if c[0] == "train"]
    valid = [c for c in calls if c[0] == "valid"]
    if not train:
        ex.fail(what, "the model never saw a training batch")
    if not all(training for _, training, _ in train):
        ex.fail(what, "training batches went through the model in eval mode (model.training was False; "
                      "the model was left in eval mode before fit was called)",
                hint="call model.train() before the training batches of every epoch")
    if not all(grad for _, _, grad in train):
        ex.fail(what, "training batches ran with gradients disabled",
                hint="keep torch.no_grad() around the validation pass only")
    if len(valid) < valid_batches:
        ex.fail(what, f"the model saw {len(valid)} validation batches, expected at least {valid_batches} "
                      "(one whole pass over valid_dl)")
    if any(training for _, training, _ in valid):
        ex.fail(what, "validation batches went through the model in training mode",
                hint="call model.eval() before the validation pass (dropout and batch norm behave differently then)")
    if any(grad for _, _, grad in valid):
        ex.fail(what, "the validation pass ran with gradients enabled, which wastes memory and time",
                hint="wrap the validation pass in `with torch.no_grad():`")


# -- Dataset -----------------------------------------------------------------------------

def _index_text(index) -> str:
    """How an index is written inside ``ds[...]``: ``1:4``, ``::2``, ``[0, 3, 5]``, ``torch.tensor([6, 0, 2])``."""
    if isinstance(index, slice):
        text = ":".join("" if v is None else str(v) for v in (index.start, index.stop))
        return text + ("" if index.step is None else f":{index.step}")
    if isinstance(index, torch.Tensor):
        return f"torch.tensor({index.tolist()})"
    return str(index)


def check_dataset_items(ex, Dataset, *, n: int = 7, features: int = 3, indices=(0, 6, -1, -7)):
    """``Dataset(x, y)`` (x from :func:`tensors`) is the student's own class, and ``ds[i]`` is
    ``(x[i], y[i])`` for each of ``indices``, negative ones included."""
    x, y = tensors(n, features)
    ds = ex.call(Dataset, x, y)
    reject_torch_class(ex, ds, "Dataset(x, y)")
    for i in indices:
        assert_pair_equal(ex, ds[i], (x[i], y[i]), f"ds[{i}] with x of shape {tuple(x.shape)}",
                          hint="pass the index on to both tensors: they know negative indices")


def check_dataset_shape(ex, Dataset, *, shape: tuple, seed: int):
    """With a float64 ``x`` of ``shape`` (and labels below 3), ``len(ds)`` is the size of the first
    dimension and the last item is ``(x[-1], y[-1])``, whatever the other dimensions."""
    x = randn(*shape, seed=seed, dtype=torch.float64)
    y = randint(3, shape[0], seed=seed + 10)
    ds = ex.call(Dataset, x, y)
    n = ex.call(len, ds)
    if n != shape[0]:
        ex.fail("len(ds)", f"{n} for x of shape {shape}, expected {shape[0]}",
                hint="the number of examples is the size of the first dimension")
    assert_pair_equal(ex, ds[shape[0] - 1], (x[-1], y[-1]), f"the last item, x of shape {shape}",
                      hint="ds[i] is the pair (x[i], y[i]), in that order")


def check_dataset_device(ex, Dataset, device):
    """``ds[3]`` on ``device`` is ``(x[3], y[3])`` as they are: same device, same dtype."""
    x, y = tensors(4, device=device)
    assert_pair_equal(ex, ex.call(Dataset, x, y)[3], (x[3], y[3]), f"ds[3] on {device}",
                      hint="keep the tensors as they are: no copies to another device or dtype")


def check_dataset_batch(ex, Dataset, index, *, n: int = 7, seed: int = 5):
    """``ds[index]`` for a slice, a list or a tensor of indices is the whole batch
    ``(x[index], y[index])``: what indexing the tensors themselves gives."""
    x, y = tensors(n, features=3, seed=seed)
    ds = ex.call(Dataset, x, y)
    what = f"ds[{_index_text(index)}] with x of shape {tuple(x.shape)}"
    hint = ("index both tensors with the index itself, x[i] and y[i]: then slices, lists and "
            "tensors of indices give whole batches")
    with ex.hinted(what, hint):
        got = ds[index]
    assert_pair_equal(ex, got, (x[index], y[index]), what, hint=hint)


# -- Sampler -----------------------------------------------------------------------------

def check_sampler_in_order(ex, Sampler, *, n: int, seed: int):
    """``Sampler(ds)`` and ``Sampler(ds, shuffle=False)`` over ``n`` items are the student's own
    class and yield ``0, 1, ..., n-1`` on each of two passes (shuffle defaults to False)."""
    ds = dataset(n, seed=seed)
    items = f"{n} item" + ("s" if n > 1 else "")
    cases = ((f"Sampler(ds of {items})", ex.call(Sampler, ds), True),
             (f"Sampler(ds of {items}, shuffle=False)", ex.call(Sampler, ds, shuffle=False), False))
    for what, sampler, default in cases:
        reject_torch_class(ex, sampler, what)
        for k, drawn in enumerate(passes(ex, sampler, 2)):
            assert_sequential(ex, indices(ex, drawn, what), n, what, pass_number=k + 1, default=default)


def check_sampler_shuffle(ex, Sampler, *, n: int, seed: int, epochs: int = 3):
    """``Sampler(ds, shuffle=True)`` over ``n`` items yields a permutation of the indices every
    epoch, a new one each epoch (checked from 20 items on, where a repeat is all but
    impossible), and the same ones again after the same seed."""
    ds = dataset(n, seed=seed)
    what = f"Sampler(ds of {n} item{'s' if n > 1 else ''}, shuffle=True)"
    runs = []
    for _ in range(2):
        with seeded(seed):
            sampler = ex.call(Sampler, ds, shuffle=True)
            runs.append([indices(ex, drawn, what) for drawn in passes(ex, sampler, epochs)])
    reject_torch_class(ex, sampler, what)
    for k, order in enumerate(runs[0]):
        assert_permutation(ex, order, n, what, pass_number=k + 1)
    if n >= 20:
        assert_new_orders(ex, runs[0], what)
    if runs[0] != runs[1]:
        ex.fail(what, "not reproducible: after seeding torch, random and numpy with the same seed, the first "
                      f"epoch came as {short(runs[1][0])} instead of {short(runs[0][0])}",
                hint="draw from a random number generator that seeding fixes, e.g. torch.randperm")


# -- BatchSampler ------------------------------------------------------------------------

def _shuffled(n: int, seed: int) -> list[int]:
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()


def _batch_sampler_batches(ex, BatchSampler, sampler, bs, what, **kwargs):
    return batches_of_indices(ex, ex.call(list, ex.call(BatchSampler, sampler, bs, **kwargs)), what)


def check_batch_sampler(ex, BatchSampler, *, n: int, seed: int, sizes=(1, 3, 4, 5, 12, 20)):
    """Over a list of ``n`` shuffled indices, for each batch size in ``sizes``, the batches equal
    PyTorch's ``BatchSampler``'s, with drop_last left out and with ``drop_last=False``."""
    order = _shuffled(n, seed)
    for bs in sizes:
        want = list(tud.BatchSampler(order, bs, drop_last=False))
        for extra in ({}, {"drop_last": False}):
            what = f"BatchSampler(<a list of {n} shuffled indices>, {bs}" + (", drop_last=False)" if extra else ")")
            got = _batch_sampler_batches(ex, BatchSampler, order, bs, what, **extra)
            assert_index_batches(ex, got, want, what)


def check_batch_sampler_drop_last(ex, BatchSampler, *, n: int, seed: int, sizes=(1, 3, 4, 5, 12, 20)):
    """Like :func:`check_batch_sampler` with ``drop_last=True``: no last, shorter batch."""
    order = _shuffled(n, seed)
    for bs in sizes:
        what = f"BatchSampler(<a list of {n} shuffled indices>, {bs}, drop_last=True)"
        got = _batch_sampler_batches(ex, BatchSampler, order, bs, what, drop_last=True)
        assert_index_batches(ex, got, list(tud.BatchSampler(order, bs, drop_last=True)), what, drop_last=True)


def check_batch_sampler_range(ex, BatchSampler, *, n: int, bs: int):
    """``BatchSampler(range(n), bs)`` is the student's own class and batches like PyTorch's (with
    ``bs`` dividing ``n``: no empty batch at the end)."""
    what = f"BatchSampler(range({n}), {bs})"
    sampler = ex.call(BatchSampler, range(n), bs)
    reject_torch_class(ex, sampler, what)
    got = batches_of_indices(ex, ex.call(list, sampler), what)
    assert_index_batches(ex, got, list(tud.BatchSampler(range(n), bs, drop_last=False)), what)


def check_batch_sampler_epochs(ex, BatchSampler, *, n: int, bs: int, seeds: tuple, drop_last: bool, epochs: int = 3):
    """Over a sampler that shuffles every epoch (its orders drawn from ``seeds``), every epoch's
    batches follow that epoch's order: the sampler is read afresh in every ``__iter__``."""
    orders = [_shuffled(n, s) for s in seeds]
    batches = ex.call(BatchSampler, Orders(*orders), bs, drop_last=drop_last)
    reference = tud.BatchSampler(Orders(*orders), bs, drop_last=drop_last)
    previous = None
    for k in range(epochs):
        what = (f"BatchSampler(<a sampler of {n} indices that shuffles every epoch>, {bs}, drop_last={drop_last}), "
                f"epoch {k + 1}")
        got = batches_of_indices(ex, ex.call(list, batches), what)
        want = list(reference)
        assert_index_batches(ex, got, want, what, drop_last=drop_last, stale=previous)
        previous = want


# -- collate -----------------------------------------------------------------------------

def check_collate(ex, collate, *, shape: tuple, classes: int, seed: int, dtype=torch.float32, device=None,
                  as_lists: bool = False):
    """``collate`` of ``shape[0]`` pairs ``(x, y)`` (``x`` of ``shape[1:]``, labels below ``classes``;
    given as lists ``[x, y]`` with ``as_lists``) equals ``default_collate``'s: same shapes, dtypes
    and device (``device``, when given, is named in the message)."""
    n = shape[0]
    x = randn(*shape, seed=seed, dtype=dtype, device=device or "cpu")
    y = randint(classes, n, seed=seed + 1, device=device or "cpu")
    items = [[a, b] for a, b in zip(x, y)] if as_lists else list(zip(x, y))
    count = "a single pair" if n == 1 else f"{n} pairs"
    if device is not None:
        what = f"collate of {count} on {device}"
    elif as_lists:
        what = f"collate of {count} given as lists [x, y]"
    else:
        kind = "" if dtype == torch.float32 else f"{str(dtype).removeprefix('torch.')} "
        what = f"collate of {count}, {kind}x of shape {tuple(shape[1:])}"
    assert_pair_equal(ex, ex.call(collate, items), tud.default_collate(items), what, hint=STACK_HINT)


def check_collate_iterable(ex, collate, *, n: int, seed: int):
    """``collate`` of a generator, and of a ``map``, of ``n`` pairs equals ``default_collate``'s: it
    goes through its argument once. The generator hint is given only when collate is right on a
    list (otherwise its mistake is elsewhere, and the stacking hint applies)."""
    ds = dataset(n, seed=seed)
    want = tud.default_collate([ds[i] for i in range(n)])
    right_on_a_list = works(lambda: assert_pair_equal(
        ex, collate([ds[i] for i in range(n)]), want, f"collate of a list of {n} pairs"))
    hint = ("a generator can be gone through only once: collect the xs and ys in a single pass "
            "(for example xs, ys = zip(*b))") if right_on_a_list else None
    for label, make in ((f"a generator of {n} pairs", lambda: (ds[i] for i in range(n))),
                        (f"map(ds.__getitem__, range({n}))", lambda: map(ds.__getitem__, range(n)))):
        with ex.hinted(f"collate of {label}", hint):
            got = ex.call(collate, make())
        assert_pair_equal(ex, got, want, f"collate of {label}", hint=hint or STACK_HINT)


# -- DataLoader --------------------------------------------------------------------------

USED_COLLATE_HINT = ("call the collate_fn the loader was given on the items of each batch "
                     "(not the notebook's collate, not the dataset's batch indexing)")


def check_loader(ex, DataLoader, *, n: int, batches: list, seed: int, device="cpu"):
    """``DataLoader(ds, batches, collate_fn=...)`` over ``n`` items on ``device`` gives PyTorch's
    DataLoader's batches, in the order ``batches`` lists them."""
    ds = dataset(n, seed=seed, device=device)
    got = ex.call(list, ex.call(DataLoader, ds, batches, collate_fn=pairs_collate))
    want = list(tud.DataLoader(ds, batch_sampler=batches, collate_fn=pairs_collate))
    assert_batches_equal(ex, got, want, f"DataLoader(ds of {n} items on {device}, {batches})")


def check_loader_collate_fn(ex, DataLoader, *, n: int, batches: list, seed: int):
    """The loader calls the ``collate_fn`` it was given (one that scales x by 10, which nothing
    else reproduces) on the items of each batch."""
    ds = dataset(n, seed=seed)
    got = ex.call(list, ex.call(DataLoader, ds, batches, collate_fn=MarkedCollate()))
    want = list(tud.DataLoader(ds, batch_sampler=batches, collate_fn=MarkedCollate()))
    assert_batches_equal(ex, got, want, f"DataLoader(ds of {n} items, {batches}, collate_fn=<a collate "
                                        "function that scales x by 10>)", hint=USED_COLLATE_HINT)


def check_loader_on_list(ex, DataLoader, *, n: int, batches: list, seed: int):
    """The loader works on any dataset that can be indexed, here a Python list of ``n`` pairs:
    it takes items one by one (``ds[i]``), never a batch at once."""
    ds = dataset(n, seed=seed)
    pairs = [ds[i] for i in range(n)]
    what = f"DataLoader(<a Python list of {n} (x, y) pairs>, batchs)"
    with ex.hinted(what, USED_COLLATE_HINT):
        got = ex.call(list, ex.call(DataLoader, pairs, batches, collate_fn=pairs_collate))
    want = list(tud.DataLoader(pairs, batch_sampler=batches, collate_fn=pairs_collate))
    assert_batches_equal(ex, got, want, what, hint=USED_COLLATE_HINT)


def check_loader_epochs(ex, DataLoader, *, n: int, batches: list, seed: int, epochs: int = 3):
    """Iterating the same loader ``epochs`` times gives the same batches every time."""
    ds = dataset(n, seed=seed)
    loader = ex.call(DataLoader, ds, batches, collate_fn=pairs_collate)
    want = list(tud.DataLoader(ds, batch_sampler=batches, collate_fn=pairs_collate))
    for k, got in enumerate(passes(ex, loader, epochs)):
        assert_batches_equal(ex, got, want, f"DataLoader(ds of {n} items, {batches}), epoch {k + 1}",
                             hint=FRESH_PASS_HINT if not got else None)


def check_loader_reshuffles(ex, DataLoader, *, n: int, seed: int, orders: tuple, epochs: int = 3):
    """With a batch sampler that gives new batches every epoch (``orders``, in turn), each
    epoch's batches follow that epoch's: the loader goes through ``batchs`` afresh every time."""
    ds = dataset(n, seed=seed)
    loader = ex.call(DataLoader, ds, Orders(*orders), collate_fn=pairs_collate)
    reference = tud.DataLoader(ds, batch_sampler=Orders(*orders), collate_fn=pairs_collate)
    for k in range(epochs):
        got, want = ex.call(list, loader), list(reference)
        assert_batches_equal(
            ex, got, want, f"DataLoader(ds, <a batch sampler that shuffles every epoch>), epoch {k + 1}",
            hint=FRESH_PASS_HINT if not got else
            "go through batchs afresh in every __iter__: a shuffling batch sampler gives new batches each epoch")


def check_default_collate(ex, DataLoader, *, n: int, batches: list, seed: int):
    """``DataLoader(ds, batches)`` without ``collate_fn`` batches as the notebook's own ``collate``
    does (the signature's default). Compared with a run given that collate explicitly, so a
    mistake inside collate costs points in collate only; when the notebook's collate does not
    run on these items at all, there is nothing to compare with, and collate's tests say why."""
    own = ex.own.get("collate")
    if own is None:
        return
    ds = dataset(n, seed=seed)
    try:
        want = list(DataLoader(ds, batches, collate_fn=own))
    except Exception:  # NotImplementedError included: collate (or the loader) is not written yet
        return
    what = f"DataLoader(ds of {n} items, {batches}) without a collate_fn"
    hint = ("keep the signature DataLoader(ds, batchs, collate_fn=collate): without a collate_fn the "
            "loader uses the notebook's collate")
    with ex.hinted(what, hint):
        got = ex.call(list, ex.call(DataLoader, ds, batches))
    if len(got) != len(want):
        ex.fail(what, f"{len(got)} batches, expected {len(want)}", hint=hint)
    for k, (g, w) in enumerate(zip(got, want)):
        if not _same(g, w):
            ex.fail(what, f"batch {k} is {describe(g)}, not what collate_fn=collate gives ({describe(w)})", hint=hint)


# -- fit ---------------------------------------------------------------------------------

def check_fit(ex, fit, *, reference, accuracy, seed: int, epochs: int, n_train: int = 22, n_valid: int = 10,
              bs: int = 4, valid_bs: int = 4):
    """``fit`` trains the model exactly as ``reference`` (the notebook's hidden reference loop)
    does, from the same :func:`fit_problem`, and returns the last epoch's validation loss and
    ``accuracy``, equal to ``reference``'s and to those of the whole validation set at once."""
    sizes = dict(n_train=n_train, n_valid=n_valid, bs=bs, valid_bs=valid_bs)
    mine, ref = fit_problem(seed, **sizes), fit_problem(seed, **sizes)
    label = f"fit for {epochs} epoch{'s' if epochs > 1 else ''}"
    got = as_floats(ex, ex.call(fit, epochs, mine.model, F.cross_entropy, mine.opt, mine.train_dl, mine.valid_dl),
                    label)
    want = reference(epochs, ref.model, F.cross_entropy, ref.opt, ref.train_dl, ref.valid_dl)
    assert_same_parameters(ex, mine.model, ref.model, f"{label}, the trained model", mine.describe,
                           hint=FIT_TRAIN_HINT)
    full = full_set_metrics(mine.model, mine.x_valid, mine.y_valid, accuracy)
    for k, name in enumerate(("loss", "accuracy")):
        assert_float_close(ex, got[k], want[k], f"{label}, validation {name}", mine.describe, hint=FIT_WEIGHT_HINT)
        assert_float_close(ex, got[k], full[k], f"{label}, validation {name} against the whole validation set "
                                                "in one batch", mine.describe, hint=FIT_WEIGHT_HINT)


def check_fit_modes(ex, fit, *, seed: int, epochs: int, eval_first: bool):
    """``fit`` trains in train mode with gradients and validates in eval mode without, over a
    whole validation pass, whatever mode the model was left in (``eval_first``)."""
    p = fit_problem(seed, with_spy=True, eval_first=eval_first)
    ex.call(fit, epochs, p.model, F.cross_entropy, p.opt, p.train_dl, p.valid_dl)
    assert_modes(ex, p.spy.calls, f"fit for {epochs} epochs on {p.describe}", len(p.valid_dl))


# -- get_dls -----------------------------------------------------------------------------

def _loaders(ex, get_dls, n_train, n_valid, bs, what, **kwargs):
    return two_loaders(ex, ex.call(get_dls, numbered(n_train), numbered(n_valid), bs, **kwargs), what)


def check_get_dls(ex, get_dls, *, n_train: int, n_valid: int, bs: int):
    """``get_dls`` returns torch DataLoaders: ``valid_dl`` in order in batches of ``2 * bs``,
    ``train_dl`` in batches of ``bs``, every example once per epoch, shuffled anew each epoch."""
    label = f"get_dls(<{n_train} examples>, <{n_valid} examples>, {bs})"
    train_dl, valid_dl = _loaders(ex, get_dls, n_train, n_valid, bs, label)
    valid = numbers(ex, valid_dl, f"{label}, valid_dl")
    want = [list(range(n_valid))[i:i + 2 * bs] for i in range(0, n_valid, 2 * bs)]
    if valid != want:
        ex.fail(f"{label}, valid_dl", f"yields the examples {valid}, expected {want} "
                                      "(batches of 2 * bs, in order, not shuffled)")
    with seeded(n_train):
        epochs = [numbers(ex, train_dl, f"{label}, train_dl") for _ in range(2)]
    sizes = [min(bs, n_train - i) for i in range(0, n_train, bs)]
    for k, batches in enumerate(epochs):
        if [len(b) for b in batches] != sizes:
            ex.fail(f"{label}, train_dl", f"batches have sizes {[len(b) for b in batches]}, expected {sizes}")
        if sorted(sum(batches, [])) != list(range(n_train)):
            ex.fail(f"{label}, train_dl", f"epoch {k + 1} does not hold every training example once")
    if sum(epochs[0], []) == list(range(n_train)) or epochs[0] == epochs[1]:
        ex.fail(f"{label}, train_dl", f"not shuffled: its examples come as {short(sum(epochs[0], []))}",
                hint="shuffle=True gives a new random order every epoch")


def check_get_dls_collate_fn(ex, get_dls, *, n_train: int, n_valid: int, bs: int):
    """``get_dls(..., collate_fn=f)`` passes ``f`` on to both loaders: each calls it once a batch."""
    marked = MarkedCollate(scale=1.0)
    label = f"get_dls(<{n_train} examples>, <{n_valid} examples>, {bs}, collate_fn=f)"
    train_dl, valid_dl = _loaders(ex, get_dls, n_train, n_valid, bs, label, collate_fn=marked)
    for name, dl in (("train_dl", train_dl), ("valid_dl", valid_dl)):
        before = marked.calls
        batches = len(numbers(ex, dl, f"{label}, {name}"))
        if marked.calls - before != batches:
            ex.fail(f"{label}, {name}", f"called f {marked.calls - before} times for its {batches} batches, "
                                        f"expected {batches}", hint=KWARGS_HINT)


def check_get_dls_drop_last(ex, get_dls, *, n_train: int, n_valid: int, bs: int):
    """``get_dls(..., drop_last=True)`` passes it on to both loaders: no last, shorter batch."""
    label = f"get_dls(<{n_train} examples>, <{n_valid} examples>, {bs}, drop_last=True)"
    train_dl, valid_dl = _loaders(ex, get_dls, n_train, n_valid, bs, label, drop_last=True)
    for name, dl, n in (("train_dl", train_dl, n_train), ("valid_dl", valid_dl, n_valid)):
        got = [len(b) for b in numbers(ex, dl, f"{label}, {name}")]
        if not (got and len(set(got)) == 1 and sum(got) < n):
            ex.fail(f"{label}, {name}", f"batches over {n} examples have sizes {got}: the last, shorter batch "
                                        "should be dropped", hint=KWARGS_HINT)
