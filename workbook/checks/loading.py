"""Checks for 04_data_loading: datasets, samplers, loaders and fit (owned by that notebook).

The notebook's test cells reach these as ``C.loading``. They hold no solution: the reference
values come from PyTorch's own classes (``TensorDataset``, ``BatchSampler``, ``DataLoader``,
``default_collate``). The reference ``fit`` loop, and the accuracy it needs, live in the
notebook's hidden test cells: every student has this package from the first day.
"""

import contextlib
import operator
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
import torch.utils.data as tud
from torch import nn

from .compare import assert_close
from .failures import CheckFailure, describe
from .inputs import randint, randn

# PyTorch's versions of the exercises: an answer that merely hands one of them back is not
# the student's own class.
TORCH_CLASSES = (tud.TensorDataset, tud.SequentialSampler, tud.RandomSampler, tud.BatchSampler,
                 tud.DataLoader)


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
        ex.check(not isinstance(obj, cls),
                 f"{what} is PyTorch's own {cls.__name__}"
                 + ("" if type(obj) is cls else f" (your {type(obj).__name__} derives from it)")
                 + "; this exercise asks you to write the class yourself (PyTorch's is what the "
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
            raise CheckFailure(
                f"{ex.name}: {what}: yields {describe(item)} ({str(item)[:40]}), expected integer "
                "indices (Python ints, or integer 0-d tensors)") from None
    return out


def batches_of_indices(ex, batches, what: str) -> list[list[int]]:
    """Each batch (a list, a tuple or a 1-D integer tensor) as a list of ints."""
    out = []
    for k, batch in enumerate(batches):
        if isinstance(batch, torch.Tensor) and batch.dim() == 1 and not batch.is_floating_point():
            batch = batch.tolist()
        ex.check(isinstance(batch, (list, tuple)),
                 f"{what}: batch {k} is {describe(batch)}, expected a list of indices (a tuple is fine)")
        out.append(indices(ex, batch, f"{what}, batch {k}"))
    return out


def short(values, limit: int = 8) -> str:
    """A list for a message: its first ``limit`` entries, then how many more there are."""
    values = list(values)
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}" + (f", ... ({len(values) - limit} more)]" if len(values) > limit else "]")


FRESH_PASS_HINT = ("__iter__ must start a fresh pass every time it is called: make it a generator "
                   "(use yield) or return a new iterator, never self or an iterator made in __init__")


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
    raise CheckFailure(f"{ex.name}: {what}: got {short(got)}, expected {short(want)}"
                       + (f"\n  hint: {hint}" if hint else ""))


def works(fn, *args, **kwargs) -> bool:
    """Whether student code runs without raising (``NotImplementedError`` still propagates)."""
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception:
        return False
    return True


@contextlib.contextmanager
def hinted(ex, what: str, hint: str | None):
    """Turn an error raised by student code inside the block into a failure with ``hint``
    (with no hint, the exercise's context reports the error as usual)."""
    try:
        yield
    except (CheckFailure, NotImplementedError):
        raise  # the exercise's context says "not implemented yet" for the latter
    except Exception as error:
        if hint is None:
            raise
        raise CheckFailure(f"{ex.name}: {what}: your code raised {type(error).__name__}: {error}"
                           f"\n  hint: {hint}") from None


def assert_pair_equal(ex, got, want, what: str, hint: str | None = None):
    """``got`` is an ``(x, y)`` pair equal to ``want``: same shapes, dtypes, devices, values."""
    suffix = f"\n  hint: {hint}" if hint else ""
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"{ex.name}: {what}: got {describe(got)}"
                           + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "")
                           + f", expected a pair (x, y) (a tuple or a list of two tensors){suffix}")
    for name, g, w in (("x", got[0], want[0]), ("y", got[1], want[1])):
        if not isinstance(g, torch.Tensor):
            raise CheckFailure(f"{ex.name}: {what}: {name} is {describe(g)}, expected a tensor "
                               f"({describe(w)}){suffix}")
        assert_close(g, w, name=ex.name, what=f"{what}, {name}", hint=hint, rtol=0.0, atol=0.0)


def assert_batches_equal(ex, got: list, want: list, what: str, hint: str | None = None):
    """A loader's pass: ``(x, y)`` batches equal PyTorch's, batch by batch."""
    if len(got) != len(want):
        raise CheckFailure(f"{ex.name}: {what}: {len(got)} batches, expected {len(want)} "
                           f"(of sizes {[len(w[1]) for w in want]})" + (f"\n  hint: {hint}" if hint else ""))
    for k, (g, w) in enumerate(zip(got, want)):
        assert_pair_equal(ex, g, w, f"{what}, batch {k}", hint=hint)


def check_default_collate(ex, loader_cls, ds, batchs, what: str):
    """``loader_cls(ds, batchs)`` without ``collate_fn`` batches as the notebook's own ``collate``
    does (the signature's default). Compared with a run given that collate explicitly, so a
    mistake inside collate costs points in collate only; when the notebook's collate does not
    run on these items at all, there is nothing to compare with, and collate's tests say why."""
    own = ex.own.get("collate")
    if own is None:
        return
    try:
        want = list(loader_cls(ds, batchs, collate_fn=own))
    except Exception:  # NotImplementedError included: collate (or the loader) is not written yet
        return
    hint = ("keep the signature DataLoader(ds, batchs, collate_fn=collate): without a collate_fn the "
            "loader uses the notebook's collate")
    with hinted(ex, what, hint):
        got = ex.call(list, ex.call(loader_cls, ds, batchs))
    if len(got) != len(want):
        raise CheckFailure(f"{ex.name}: {what}: {len(got)} batches, expected {len(want)}\n  hint: {hint}")
    for k, (g, w) in enumerate(zip(got, want)):
        if not _same(g, w):
            raise CheckFailure(f"{ex.name}: {what}: batch {k} is {describe(g)}, not what collate_fn=collate "
                               f"gives ({describe(w)})\n  hint: {hint}")


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


def numbered(n: int, classes: int = 3):
    """A ``TensorDataset`` whose inputs are the example numbers: ``x[i] == [i]``, ``y[i] == i % classes``."""
    return tud.TensorDataset(torch.arange(n, dtype=torch.float32).unsqueeze(1),
                             torch.arange(n) % classes)


def numbers(ex, loader, what: str) -> list[list[int]]:
    """One pass of a loader over a :func:`numbered` dataset, as lists of example numbers."""
    out = []
    for k, batch in enumerate(ex.call(list, loader)):
        ex.check(isinstance(batch, (tuple, list)) and len(batch) == 2 and isinstance(batch[0], torch.Tensor),
                 f"{what}: batch {k} is {describe(batch)}, expected a pair (xb, yb) of tensors")
        out.append([int(v) for v in batch[0].flatten().tolist()])
    return out


def two_loaders(ex, result, what: str):
    """``get_dls``'s result as two ``torch.utils.data.DataLoader``s."""
    ex.check(isinstance(result, (tuple, list)) and len(result) == 2,
             f"{what}: returned {describe(result)}, expected a pair (train_dl, valid_dl)")
    for name, dl in zip(("train_dl", "valid_dl"), result):
        ex.check(isinstance(dl, tud.DataLoader),
                 f"{what}: {name} is {describe(dl)}, expected a torch.utils.data.DataLoader\n  hint: "
                 "the name DataLoader is your own class in this notebook: use torch.utils.data.DataLoader")
    return result[0], result[1]


# -- orders of indices -------------------------------------------------------------------

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
    raise CheckFailure(f"{ex.name}: {what}, pass {pass_number}: yields {short(got)}, expected "
                       f"{short(range(n))}" + (f"\n  hint: {hint}" if hint else ""))


def assert_permutation(ex, got: list, n: int, what: str, pass_number: int = 1):
    """A shuffled pass holds every index of ``range(n)`` exactly once."""
    if sorted(got) == list(range(n)):
        return
    if n and not got and pass_number > 1:
        raise CheckFailure(f"{ex.name}: {what}: epoch {pass_number} yields no index at all, expected all {n}"
                           f"\n  hint: {FRESH_PASS_HINT}")
    seen: dict[int, int] = {}
    for i in got:
        seen[i] = seen.get(i, 0) + 1
    repeated = sorted(i for i, c in seen.items() if c > 1)
    missing = sorted(set(range(n)) - set(seen))
    strange = sorted(i for i in seen if not 0 <= i < n)
    raise CheckFailure(
        f"{ex.name}: {what}: epoch {pass_number} is not a permutation of 0..{n - 1}: {len(got)} indices"
        + (f", repeated {short(repeated)}" if repeated else "") + (f", missing {short(missing)}" if missing else "")
        + (f", out of range {short(strange)}" if strange else "")
        + "\n  hint: every index exactly once per epoch: shuffle a full list of the indices "
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
            raise CheckFailure(f"{ex.name}: {what}: epochs {k} and {k + 1} come in the same order "
                               f"{short(epochs[k])}, expected a new random order every epoch\n  hint: {hint}")


# -- fit ---------------------------------------------------------------------------------

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
    ex.check(isinstance(result, (tuple, list)) and len(result) == 2,
             f"{what}: returned {describe(result)}, expected a pair (valid_loss, valid_acc)")
    for name, value in zip(("valid_loss", "valid_acc"), result):
        if isinstance(value, torch.Tensor):
            raise CheckFailure(f"{ex.name}: {what}: {name} is a tensor ({describe(value)}), expected "
                               "a Python float\n  hint: turn each batch's loss and accuracy into "
                               "numbers with .item() before you add them up")
        ex.check(isinstance(value, float), f"{what}: {name} is {describe(value)}, expected a float")
    return float(result[0]), float(result[1])


def assert_float_close(ex, actual: float, expected: float, what: str, inputs: str = "",
                       hint: str | None = None, rtol: float = 1e-5, atol: float = 1e-6):
    """Two floats agree within ``rtol``/``atol`` (float32 arithmetic in the student's loop)."""
    if not abs(actual - expected) <= atol + rtol * abs(expected):
        raise CheckFailure(f"{ex.name}: {what}: got {actual:.6g}, expected {expected:.6g}"
                           + (f"\n  input: {inputs}" if inputs else "")
                           + (f"\n  hint: {hint}" if hint else ""))


def assert_same_parameters(ex, model, reference, what: str, inputs: str = "", hint: str | None = None):
    """The trained parameters of ``model`` equal those of ``reference``."""
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        if not torch.allclose(p.detach(), q.detach(), rtol=1e-5, atol=1e-6):
            diff = (p.detach() - q.detach()).abs().max().item()
            raise CheckFailure(f"{ex.name}: {what}: parameter {name} differs from the reference loop's "
                               f"by up to {diff:.3g}" + (f"\n  input: {inputs}" if inputs else "")
                               + (f"\n  hint: {hint}" if hint else ""))


def assert_modes(ex, calls, what: str, valid_batches: int):
    """What the spy saw: training batches in train mode with gradients, validation batches in
    eval mode without, and at least one whole validation pass."""
    train = [c for c in calls if c[0] == "train"]
    valid = [c for c in calls if c[0] == "valid"]
    ex.check(train, f"{what}: the model never saw a training batch")
    ex.check(all(training for _, training, _ in train),
             f"{what}: training batches went through the model in eval mode (model.training was False; "
             "the model was left in eval mode before fit was called)\n  hint: call model.train() "
             "before the training batches of every epoch")
    ex.check(all(grad for _, _, grad in train),
             f"{what}: training batches ran with gradients disabled\n  hint: keep torch.no_grad() "
             "around the validation pass only")
    ex.check(len(valid) >= valid_batches,
             f"{what}: the model saw {len(valid)} validation batches, expected at least {valid_batches} "
             "(one whole pass over valid_dl)")
    ex.check(not any(training for _, training, _ in valid),
             f"{what}: validation batches went through the model in training mode\n  hint: call "
             "model.eval() before the validation pass (dropout and batch norm behave differently then)")
    ex.check(not any(grad for _, _, grad in valid),
             f"{what}: the validation pass ran with gradients enabled, which wastes memory and time\n"
             "  hint: wrap the validation pass in `with torch.no_grad():`")
