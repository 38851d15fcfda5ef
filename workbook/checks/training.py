"""Checks for 02_training_loop: a training loop and two optimizers, against ``torch.optim.SGD``.

The notebook's test cells reach these as ``C.training``. Every check trains a tiny seeded
model, ``Linear(6, 5) -> ReLU -> Linear(5, 3)``, on a few rows: once with the student's code,
once from an identical deep copy with ``torch.optim.SGD``, and compares the trajectories (the
loss of every batch, the parameters after every step). Minibatches are consecutive slices;
the tests choose sizes whose last batch is shorter.

When a trajectory differs, the same PyTorch loop is rerun configured as a known mistake (no
zeroing of the gradients, dampened momentum, Nesterov, decoupled weight decay, ...) to name
the mistake in the hint. That happens only on the failure path, so correct answers stay fast.
The only update rule in this module is PyTorch's: it holds no solution.
"""

import copy
import dataclasses

import torch
import torch.nn.functional as F
from torch import nn

from . import hints
from .compare import assert_close, tolerance
from .failures import CheckFailure, describe
from .inputs import randint, randn

N_IN, N_HIDDEN, N_OUT = 6, 5, 3
DEFAULT_LR = 0.5  # Optimizer(params) without lr, as 02's exercise text fixes it


# -- inputs --------------------------------------------------------------------------------

# The "shared" model has what real networks have and the tiny one lacks: several parameters
# of the same shape (state keyed by shape or size mixes them up) and a layer applied twice
# (its parameters get the sum of two gradients, and appear once in ``parameters()``).
MODEL_TEXT = {
    "tiny": f"Linear({N_IN}, {N_HIDDEN}) -> ReLU -> Linear({N_HIDDEN}, {N_OUT})",
    "shared": f"Linear({N_IN}, 4) -> ReLU -> L -> ReLU -> L (the same Linear(4, 4) again) -> ReLU "
              f"-> Linear(4, 4) -> ReLU -> Linear(4, {N_OUT})",
}


def _layers(model: str):
    if model == "tiny":
        return [nn.Linear(N_IN, N_HIDDEN, device="meta"), nn.ReLU(), nn.Linear(N_HIDDEN, N_OUT, device="meta")]
    if model == "shared":
        twice = nn.Linear(4, 4, device="meta")
        return [nn.Linear(N_IN, 4, device="meta"), nn.ReLU(), twice, nn.ReLU(), twice, nn.ReLU(),
                nn.Linear(4, 4, device="meta"), nn.ReLU(), nn.Linear(4, N_OUT, device="meta")]
    raise ValueError(f"unknown model {model!r}")


def tiny_model(seed: int = 0, *, dtype=torch.float32, device="cpu", frozen=(), model: str = "tiny") -> nn.Sequential:
    """The tests' model (``MODEL_TEXT[model]``) with seeded weights; the global RNG is not touched.

    ``frozen`` names parameters (as in ``named_parameters()``, e.g. ``"0.bias"``) that get
    ``requires_grad=False``: their ``.grad`` stays None.
    """
    net = nn.Sequential(*_layers(model)).to_empty(device=device).to(dtype)
    with torch.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(randn(*p.shape, seed=1000 * seed + i, scale=0.6, dtype=dtype, device=device))
    for name in frozen:
        net.get_parameter(name).requires_grad_(False)
    return net


def tiny_data(n: int, seed: int = 0, *, dtype=torch.float32, device="cpu"):
    """``n`` seeded rows: inputs ``(n, 6)`` and int64 labels below 3."""
    return (randn(n, N_IN, seed=7000 + seed, dtype=dtype, device=device),
            randint(N_OUT, n, seed=8000 + seed, device=device))


def double_cross_entropy(out, yb):
    """A loss other than plain cross-entropy: a loop must use the ``loss_func`` it is given."""
    return 2.0 * F.cross_entropy(out, yb)


def batch_sizes(n: int, bs: int) -> list[int]:
    """Sizes of the consecutive slices of ``n`` rows: all ``bs`` but maybe the last."""
    return [min(bs, n - i) for i in range(0, n, bs)]


def _plural(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


def _setup_text(n, bs, epochs, dtype, device, lr=None, extra="", model="tiny"):
    sizes = batch_sizes(n, bs)
    shape = (f"{_plural(len(sizes), 'batch', 'batches')} of {sizes[0]}" if sizes[-1] == sizes[0]
             else f"{len(sizes)} batches, the last of {_plural(sizes[-1], 'row')}")
    text = (f"model {MODEL_TEXT[model]} in {str(dtype).removeprefix('torch.')} on {torch.device(device)}, "
            f"x ({n}, {N_IN}), bs={bs} ({shape}), {_plural(epochs, 'epoch')}")
    return text + (f", lr={lr}" if lr is not None else "") + (f", {extra}" if extra else "")


# -- running student code ------------------------------------------------------------------

_LEAF_HINT = ("update the parameters inside `with torch.no_grad():` (autograd refuses to change "
              "a leaf tensor that requires grad in place while it is recording)")
_NO_GRAD_TOO_WIDE = ("only the update goes under torch.no_grad(): the forward pass and the loss "
                     "must be recorded, or backward() has nothing to differentiate")


def _known_error_hint(exc, none_hint):
    text = str(exc)
    if isinstance(exc, RuntimeError) and "leaf Variable that requires grad" in text:
        return _LEAF_HINT
    if isinstance(exc, RuntimeError) and "does not require grad and does not have a grad_fn" in text:
        return _NO_GRAD_TOO_WIDE
    if isinstance(exc, (TypeError, AttributeError)) and "NoneType" in text and none_hint:
        return none_hint() if callable(none_hint) else none_hint
    return None


def _run(ex, what: str, fn, *args, none_hint=None, other_hint=None, **kwargs):
    """Call student code; an error becomes a message that says which call, on what, and why.

    A torch.optim optimizer created during the call fails the check: each exercise here is
    what torch.optim would do. NotImplementedError, NameError and sys.exit() are left to
    ``exercise`` ("not implemented yet", ...), and so are errors without a recognised cause
    (or without ``other_hint``, the cause the caller expects for any other error).
    """
    watch = _OptimWatch()
    try:
        with watch:
            return fn(*args, **kwargs)
    except (NotImplementedError, NameError, CheckFailure):
        raise
    except Exception as exc:
        hint = _known_error_hint(exc, none_hint) or other_hint
        if hint is None or watch.created:
            raise
        raise ex.explain(exc, what=what, hint=hint) from None
    finally:
        if watch.created:
            advice = ("update the parameters yourself under torch.no_grad()" if ex.name == "fit_sgd"
                      else "write the update yourself, on the tensors, under torch.no_grad()")
            raise ex.failure("", f"uses torch.optim (your code created {watch.created[0]}, a torch.optim "
                             "optimizer)", hint=f"this exercise is what torch.optim does, so {advice}") from None


class _OptimWatch:
    """Notice any torch.optim optimizer created while it is active.

    Every torch.optim optimizer runs ``torch.optim.Optimizer.__init__``; it is wrapped for the
    duration of one call of student code and always restored (the integrity checks compare
    the classes themselves, which stay untouched).
    """

    def __init__(self):
        self.created: list[str] = []

    def __enter__(self):
        self._original = original = torch.optim.Optimizer.__dict__["__init__"]
        created = self.created

        def watched_init(opt, *args, **kwargs):
            created.append(type(opt).__qualname__)
            return original(opt, *args, **kwargs)

        torch.optim.Optimizer.__init__ = watched_init
        return self

    def __exit__(self, *exc):
        torch.optim.Optimizer.__init__ = self._original
        return False


def run_fit(ex, fit_sgd, model, loss_func, x, y, lr, bs, epochs, setup: str):
    """Call the student's ``fit_sgd`` (no torch.optim allowed).

    A ``.grad`` found None has two causes with opposite advice: zeroing before the first
    backward (no parameter updated yet), and ``model.zero_grad()`` inside the loop over the
    parameters (the first ones updated, every later ``.grad`` reset to None). Which parameters
    changed before the error tells them apart."""
    before = [p.detach().clone() for p in model.parameters()]

    def none_hint():
        after = [p.detach() for p in model.parameters()]
        updated = sum(1 for b, a in zip(before, after) if b.shape != a.shape or not torch.equal(b, a))
        if updated and updated < len(before):
            return hints.text("zero-grad-in-param-loop", updated=updated, total=len(before))
        return hints.text("grad-none-before-backward")  # none updated yet (or all: a later batch's)

    return _run(ex, f"training ({setup})", fit_sgd, model, loss_func, x, y, lr, bs, epochs, none_hint=none_hint)


# -- the reference: PyTorch's own SGD --------------------------------------------------------

def _torch_run(model, params, x, y, bs, epochs, loss_func=F.cross_entropy, *, steps=None,
               zero=True, decoupled=0.0, **sgd):
    """Train ``model`` (already a copy) with ``torch.optim.SGD(params, **sgd)``.

    Returns the per-batch losses and, after every step, clones of ``params``. ``zero=False``
    never clears the gradients; ``decoupled`` shrinks the parameters by ``1 - lr*decoupled``
    before each step: both are known mistakes, used to name them in hints.
    """
    opt = torch.optim.SGD(params, **sgd)
    losses, snapshots = [], []
    for _epoch in range(epochs):
        for i in range(0, len(x), bs):
            if steps is not None and len(losses) == steps:
                return losses, snapshots
            loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
            loss.backward()
            if decoupled:
                with torch.no_grad():  # shrink what has a gradient, as that mistake does
                    for p in params:
                        p.mul_(1.0 if p.grad is None else 1 - sgd["lr"] * decoupled)
            opt.step()
            if zero:
                opt.zero_grad()
            losses.append(loss.item())
            snapshots.append([p.detach().clone() for p in params])
    return losses, snapshots


def _close(a, b, rtol=1e-4, atol=1e-5) -> bool:
    return a.shape == b.shape and torch.allclose(a.detach().double(), b.detach().double(), rtol=rtol, atol=atol)


def _all_close(xs, ys, **kw) -> bool:
    return len(xs) == len(ys) and all(_close(a, b, **kw) for a, b in zip(xs, ys))


# -- fit_sgd -------------------------------------------------------------------------------

class _FitProblem:
    def __init__(self, n, bs, epochs, lr, seed, dtype, device, loss_func):
        self.n, self.bs, self.epochs, self.lr, self.loss_func = n, bs, epochs, lr, loss_func
        self.model = tiny_model(seed, dtype=dtype, device=device)
        self.initial = copy.deepcopy(self.model)
        self.x, self.y = tiny_data(n, seed, dtype=dtype, device=device)
        self.x0, self.y0 = self.x.clone(), self.y.clone()
        self.dtype = dtype
        extra = "" if loss_func is F.cross_entropy else "loss_func = 2 * cross-entropy"
        self.setup = _setup_text(n, bs, epochs, dtype, device, lr, extra)
        self.sizes = batch_sizes(n, bs)

    def reference(self, loss_func=None, **variant):
        model = copy.deepcopy(self.initial)
        return model, _torch_run(model, list(model.parameters()), self.x, self.y, self.bs, self.epochs,
                                 loss_func or self.loss_func, lr=self.lr, **variant)


def _fit(ex, fit_sgd, n, bs, epochs, lr, seed, dtype, device, loss_func):
    problem = _FitProblem(n, bs, epochs, lr, seed, dtype, device, loss_func)
    result = run_fit(ex, fit_sgd, problem.model, loss_func, problem.x, problem.y, lr, bs, epochs,
                     problem.setup)
    return problem, result


def _losses_as_floats(ex, result, problem, strict: bool) -> list[float]:
    """The returned losses as floats. ``strict`` demands a list (or tuple) of Python floats."""
    where = problem.setup
    collect = "collect loss.item() of every batch in a list and return it"
    if result is None:
        ex.fail("", "returned None, expected the list of per-batch losses", inputs=where, hint=collect)
    if strict and not isinstance(result, (list, tuple)):
        ex.fail("", f"returned {describe(result)}, expected a list of per-batch losses (Python floats)",
                inputs=where, hint=collect)
    try:
        items = list(result)
    except TypeError:
        raise ex.failure("", f"returned {describe(result)}, expected the list of per-batch losses",
                         inputs=where, hint=collect) from None
    if strict:
        for k, v in enumerate(items):
            if not isinstance(v, float):
                ex.fail("", f"loss {k} in the returned list is {describe(v)}, expected a Python float",
                        inputs=where, hint="store loss.item(): a list of loss tensors keeps every "
                                           "batch's autograd graph (and its activations) alive")
    try:
        return [float(v) for v in items]
    except (TypeError, ValueError, RuntimeError):
        raise ex.failure("", f"the returned list holds {describe(items[0])}, expected one loss (a float) "
                         "per batch", inputs=where, hint=collect) from None


def _count_hint(got: int, problem) -> str:
    per_epoch = len(problem.sizes)
    n, bs, epochs = problem.n, problem.bs, problem.epochs
    if n % bs and got == epochs * (n // bs):
        return (f"the last, shorter batch ({n % bs} rows) is missing: step i through range(0, n, bs) "
                "and take x[i:i+bs]; a slice past the end simply stops at the last row")
    if n % bs == 0 and got == epochs * (per_epoch + 1):
        return "there is an empty batch at the end of each epoch: use range(0, n, bs) or ceil(n / bs) batches"
    if got == per_epoch and epochs > 1:
        return "that is one epoch's worth: run `epochs` passes over the data"
    if got == epochs:
        return "that is one loss per epoch: return the loss of every batch"
    if got == 0:
        return "the list is empty: append each batch's loss to it"
    return f"one loss per batch: {epochs} epochs of {per_epoch} batches (sizes {problem.sizes})"


def _fit_hint(problem, losses) -> str:
    """Name a recognised mistake from the trained model and the losses, if one fits."""
    current = list(problem.model.parameters())
    if all(torch.equal(p.detach(), q.detach()) for p, q in zip(current, problem.initial.parameters())):
        return ("the model's parameters never changed: `p = p - lr * p.grad` makes a new tensor and "
                "only rebinds a name; update in place (p -= lr * p.grad) under torch.no_grad()")
    _, (accumulated, _) = problem.reference(zero=False)
    if _all_close(torch.tensor(losses), torch.tensor(accumulated)):
        return ("gradients accumulate across batches: backward() adds to .grad, so zero the gradients "
                "(p.grad.zero_() or p.grad = None) after each update")
    if problem.loss_func is not F.cross_entropy:
        _, (plain, _) = problem.reference(loss_func=F.cross_entropy)
        if _all_close(torch.tensor(losses), torch.tensor(plain)):
            return "the loss is plain cross-entropy: call the loss_func that fit_sgd is given"
    return ("each step: forward the slice x[i:i+bs], loss_func(model(xb), yb), backward(), then "
            "p -= lr * p.grad for every parameter under torch.no_grad(), then zero the gradients; "
            "use the loss_func and lr you are given, and keep the data in order")


def _compare_fit(ex, problem, losses):
    ref_model, (want, _) = problem.reference()
    where = problem.setup
    if len(losses) != len(want):
        ex.fail("", f"returned {_plural(len(losses), 'loss', 'losses')}, expected {len(want)} "
                f"({_plural(problem.epochs, 'epoch')} of {_plural(len(problem.sizes), 'batch', 'batches')})",
                inputs=where, hint=_count_hint(len(losses), problem))
    got_t = torch.tensor(losses, dtype=torch.float64)
    want_t = torch.tensor(want, dtype=torch.float64)
    rtol, atol = tolerance(problem.dtype)
    if not torch.allclose(got_t, want_t, rtol=rtol, atol=atol):
        assert_close(got_t, want_t, name=ex.name, what="per-batch losses (index = step)", inputs=where,
                     hint=_fit_hint(problem, losses), rtol=rtol, atol=atol)
    for (name, p), q in zip(problem.model.named_parameters(), ref_model.parameters()):
        rtol, atol = tolerance(q.dtype)
        if not (p.shape == q.shape and p.dtype == q.dtype and p.device == q.device
                and torch.allclose(p.detach(), q.detach(), rtol=rtol, atol=atol)):
            assert_close(p.detach(), q.detach(), name=ex.name, what=f"parameter {name} after training",
                         inputs=where, hint=_fit_hint(problem, losses))


def check_fit(ex, fit_sgd, *, n: int, bs: int, epochs: int, lr: float, seed: int = 0,
              dtype=torch.float32, device="cpu", loss_func=F.cross_entropy):
    """``fit_sgd``'s per-batch losses and trained parameters equal torch.optim.SGD's."""
    problem, result = _fit(ex, fit_sgd, n, bs, epochs, lr, seed, dtype, device, loss_func)
    _compare_fit(ex, problem, _losses_as_floats(ex, result, problem, strict=False))


def check_fit_batches(ex, fit_sgd, *, n: int, bs: int, epochs: int, lr: float, seed: int = 0,
                      dtype=torch.float32, device="cpu"):
    """Like :func:`check_fit`, and the result must be a list of Python floats."""
    problem, result = _fit(ex, fit_sgd, n, bs, epochs, lr, seed, dtype, device, F.cross_entropy)
    losses = _losses_as_floats(ex, result, problem, strict=True)
    _compare_fit(ex, problem, losses)


def check_fit_state(ex, fit_sgd, *, n: int = 13, bs: int = 4, epochs: int = 2, lr: float = 0.3,
                    seed: int = 0, dtype=torch.float32, device="cpu"):
    """After ``fit_sgd``: the same parameter objects, no gradient left behind, inputs untouched."""
    problem = _FitProblem(n, bs, epochs, lr, seed, dtype, device, F.cross_entropy)
    before = list(problem.model.named_parameters())
    run_fit(ex, fit_sgd, problem.model, F.cross_entropy, problem.x, problem.y, lr, bs, epochs, problem.setup)
    where = problem.setup
    after = dict(problem.model.named_parameters())
    for name, p in before:
        if after.get(name) is not p:
            ex.fail("after training", f"model parameter {name} is a new object, not the one the model had "
                    "before", inputs=where,
                    hint="change the existing tensors in place (p -= lr * p.grad under torch.no_grad()) "
                         "instead of assigning new ones: an optimizer, or anyone else holding the model's "
                         "parameters, would no longer see the updates")
    for name, p in before:
        if p.grad is not None and bool(p.grad.ne(0).any()):
            ex.fail("after fit_sgd returns", f"{name}.grad still holds the last batch's gradient "
                    f"(max |grad| = {p.grad.abs().max().item():.3g})", inputs=where,
                    hint="zero the gradients after each update (p.grad.zero_() or p.grad = None), so that "
                         "none is left behind for the next step or the next caller")
    if not (torch.equal(problem.x, problem.x0) and torch.equal(problem.y, problem.y0)):
        ex.fail("", "changes the training data x or y in place", inputs=where,
                hint="slice the batches (x[i:i+bs]) and leave x and y as they are")


# -- Optimizer and SGD ---------------------------------------------------------------------

def _inherited_from_notebook(cls) -> str | None:
    """The name of a notebook class (not PyTorch's, not ``object``) that ``cls`` inherits from."""
    for base in getattr(cls, "__mro__", ())[1:]:
        if base is not object and not base.__module__.startswith(("torch", "builtins")):
            return base.__name__
    return None


def _with_inheritance_note(check):
    """A failure of SGD's checks says so when SGD inherits code from the notebook's Optimizer:
    the exercise asks for a class of its own, so that one mistake costs points once."""
    def wrapper(ex, cls, **kwargs):
        try:
            return check(ex, cls, **kwargs)
        except CheckFailure as failure:
            base = _inherited_from_notebook(cls) if ex.name == "SGD" else None
            if base is None:
                raise
            note = (f"note: your SGD inherits from your {base}, so a mistake there shows up here too; "
                    "the exercise asks for SGD as a class of its own")
            raise _with_hint(failure, note) from None

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = check.__name__, check.__doc__, check
    return wrapper


def _with_hint(failure: CheckFailure, hint: str) -> CheckFailure:
    """``failure`` with ``hint`` added after the hint it has (both stay: the first may be a fact)."""
    parts = failure.failure
    return CheckFailure(dataclasses.replace(parts, hint="; ".join(h for h in (parts.hint, hint) if h)))


def _build_text(ex_name, lr, momentum, weight_decay):
    if ex_name == "Optimizer":
        return "Optimizer(params)" if lr is None else f"Optimizer(params, lr={lr})"
    extra = "".join(f", {k}={v}" for k, v in (("momentum", momentum), ("weight_decay", weight_decay))
                    if v is not None)
    return f"SGD(params, {lr}{extra})"


def _build(ex, cls, params, lr, momentum, weight_decay, text):
    if ex.name == "Optimizer":
        args = {} if lr is None else {"lr": lr}
        return _run(ex, f"{text}", cls, params, **args)
    kwargs = {k: v for k, v in (("momentum", momentum), ("weight_decay", weight_decay)) if v is not None}
    return _run(ex, f"{text}", cls, params, lr, **kwargs)


def _torch_kwargs(lr, momentum, weight_decay):
    return {"lr": DEFAULT_LR if lr is None else lr, "momentum": momentum or 0.0,
            "weight_decay": weight_decay or 0.0}


_GENERATOR_HINT = ("params may be a generator (model.parameters() is one), and a generator can be "
                  "iterated only once: store list(params) in __init__")


class _StepProblem:
    """A model, its parameter list (maybe with frozen and unused ones) and a pristine copy."""

    def __init__(self, seed, dtype, device, frozen, unused, model="tiny"):
        self.kind = model
        self.model = tiny_model(seed, dtype=dtype, device=device, frozen=frozen, model=model)
        self.names = [name for name, _ in self.model.named_parameters()]
        self.params = list(self.model.parameters())
        if unused:  # a parameter the loss never uses: its .grad stays None
            self.params.append(nn.Parameter(randn(4, seed=9000 + seed, dtype=dtype, device=device)))
            self.names.append("unused")
        self.initial = [p.detach().clone() for p in self.params]
        self.frozen = set(frozen)
        self.dtype, self.device = dtype, device

    def fresh_copy(self):
        """A model and a parameter list equal to the initial ones, for a reference run."""
        model = tiny_model(0, dtype=self.dtype, device=self.device, frozen=self.frozen, model=self.kind)
        params = list(model.parameters())
        if len(self.params) > len(params):
            params.append(nn.Parameter(self.initial[-1].clone()))
        with torch.no_grad():
            for p, q in zip(params, self.initial):
                p.copy_(q)
        return model, params

    def argument(self, kind):
        if kind == "list":
            return list(self.params)
        if kind == "generator" and "unused" not in self.names:
            return self.model.parameters()
        return (p for p in self.params)


def _param_hint(ex, problem, step, got, prev, passed_as, torch_kw, x, y, bs, epochs, default_lr=False):
    """Name a recognised mistake at the first step whose parameters differ, if one fits."""
    lr, m, wd = torch_kw["lr"], torch_kw["momentum"], torch_kw["weight_decay"]
    if _all_close(got, prev, rtol=0, atol=0):
        if passed_as != "list" and step > 0:
            return _GENERATOR_HINT
        return ("step() did not change the parameters: `p = p - lr * p.grad` makes a new tensor and "
                "rebinds a name; change each parameter in place (p -= lr * p.grad) under torch.no_grad()")

    def matches(hint, **variant):
        model, params = problem.fresh_copy()
        kw = {**torch_kw, **variant.pop("sgd", {})}
        try:
            _, snaps = _torch_run(model, params, x, y, bs, epochs, steps=step + 1, **variant, **kw)
        except Exception:  # a diagnosis must never fail the check by itself
            return None
        return hint if len(snaps) == step + 1 and _all_close(got, snaps[step]) else None

    candidates = [
        ("the parameters move up the gradient: subtract lr * grad", {"sgd": {"maximize": True}}),
        ("gradients accumulate: zero_grad() must clear every parameter's .grad", {"zero": False}),
    ]
    if ex.name == "SGD" and m:
        candidates += [
            ("momentum ignored: keep one buffer per parameter, buf = momentum * buf + g, and step "
             "with p -= lr * buf", {"sgd": {"momentum": 0.0}}),
            ("the gradient is dampened by (1 - momentum): PyTorch (dampening 0) adds the full "
             "gradient, buf = momentum * buf + g, and starts with buf = g on the first step",
             {"sgd": {"lr": lr * (1 - m)}}),
            ("the gradient is dampened by (1 - momentum) after the first step: with dampening 0, "
             "buf = momentum * buf + g", {"sgd": {"dampening": m}}),
            ("that is Nesterov momentum (p -= lr * (g + momentum * buf)); plain momentum steps "
             "with p -= lr * buf", {"sgd": {"nesterov": True}}),
        ]
    if ex.name == "SGD" and wd:
        candidates += [
            ("weight decay ignored: add weight_decay * p to the gradient first, g = p.grad + "
             "weight_decay * p", {"sgd": {"weight_decay": 0.0}}),
            ("decoupled weight decay (AdamW's rule, p -= lr * weight_decay * p apart from the "
             "momentum): PyTorch's SGD adds weight_decay * p to the gradient before the momentum "
             "buffer sees it", {"sgd": {"weight_decay": 0.0}, "decoupled": wd}),
        ]
    for hint, variant in candidates:
        found = matches(hint, **variant)
        if found:
            return found
    if ex.name == "SGD":
        return ("PyTorch's rule, per parameter: g = p.grad + weight_decay * p; buf = g.clone() on the "
                "first step (a copy: zero_grad() must not wipe it), else buf = momentum * buf + g; "
                "p -= lr * buf (one buffer per parameter, kept apart even for parameters of the same shape)")
    if default_lr:
        return f"Optimizer(params) without lr uses the default learning rate, lr={DEFAULT_LR}"
    return "each step: p -= lr * p.grad for every parameter with a gradient, under torch.no_grad()"


_DROPPED_HINT = ("keep each parameter's state with that parameter (by its place in params, or keyed by the "
                 "parameter itself), not by its position among the parameters that have a gradient this "
                 "step: skipping one must not shift the others")


def _holds_a_grad(opt, params) -> bool:
    """Whether a tensor among ``opt``'s attributes (or in a list, tuple or dict there) is the
    ``.grad`` of one of ``params``: state that changes whenever the gradient does."""
    grads = {id(p.grad) for p in params if p.grad is not None}
    found = []

    def visit(value, depth):
        if isinstance(value, torch.Tensor):
            found.append(id(value) in grads)
        elif depth < 2 and isinstance(value, (list, tuple)):
            for v in value:
                visit(v, depth + 1)
        elif depth < 2 and isinstance(value, dict):
            for v in value.values():
                visit(v, depth + 1)

    for value in getattr(opt, "__dict__", {}).values():
        visit(value, 0)
    return any(found)


@_with_inheritance_note
def check_steps(ex, cls, *, lr=None, momentum=None, weight_decay=None, params: str = "list",
                frozen=(), unused: bool = False, n: int = 23, bs: int = 5, epochs: int = 2,
                seed: int = 0, dtype=torch.float32, device="cpu", keep_grads: bool = False,
                compare=True, model: str = "tiny", zero: str = "optimizer", dropped=()):
    """Train with the student's optimizer class and compare each step with torch.optim.SGD.

    The loop is: forward a slice, loss, backward, ``step()``, ``zero_grad()``. After every
    step the parameters must equal PyTorch's; after every ``zero_grad()`` each ``.grad`` must
    be None or zero. ``params`` is how the parameters are passed: ``"list"``, ``"generator"``
    (``model.parameters()`` itself) or ``"genexpr"``. With ``keep_grads``, ``step()`` must
    leave every ``.grad`` as it was. ``compare=False`` checks only the handling of the
    gradients, not the parameters' values; ``compare="frozen"`` checks only that the
    parameters without a gradient (frozen, unused) stay as they were. ``model`` is a key of
    ``MODEL_TEXT``. ``zero="in_place"`` clears the gradients as ``model.zero_grad(set_to_none=False)``
    does (``p.grad.zero_()``) instead of calling the optimizer's ``zero_grad()``: state that
    is the gradient tensor itself, not a copy, is wiped with it. ``dropped`` names parameters
    whose ``.grad`` is set to None after every other backward (a branch of the network not
    taken): state kept by position among the parameters that have a gradient goes astray.
    """
    text = _build_text(ex.name, lr, momentum, weight_decay)
    problem = _StepProblem(seed, dtype, device, frozen, unused, model)
    x, y = tiny_data(n, seed, dtype=dtype, device=device)
    passed = {"list": "a list", "generator": "model.parameters() (a generator)",
              "genexpr": "a generator expression"}[params]
    notes = [f"params passed as {passed}"]
    if frozen:
        notes.append(f"frozen (requires_grad=False): {', '.join(frozen)}")
    if unused:
        notes.append("one parameter the loss does not use (its .grad stays None)")
    if dropped:
        notes.append(f"on every other step {', '.join(dropped)} get no gradient (.grad is None)")
    if zero == "in_place":
        notes.append("after each step the gradients are zeroed in place (p.grad.zero_(), as "
                     "model.zero_grad(set_to_none=False) does), not by your zero_grad()")
    setup = _setup_text(n, bs, epochs, dtype, device, extra=f"{text}; " + "; ".join(notes), model=model)
    none_hint = ("a parameter that is frozen or unused by the loss has .grad None: skip it "
                 "(if p.grad is None: continue)" if (frozen or unused or dropped) else None)
    opt = _build(ex, cls, problem.argument(params), lr, momentum, weight_decay, text)
    torch_kw = _torch_kwargs(lr, momentum, weight_decay)
    ref_model, ref_params = problem.fresh_copy()
    ref_opt = torch.optim.SGD(ref_params, **torch_kw)
    step, prev = 0, problem.initial
    total = epochs * len(batch_sizes(n, bs))
    aliased = False  # whether the optimizer ever held a .grad tensor itself as its state
    for _epoch in range(epochs):
        for i in range(0, n, bs):
            F.cross_entropy(problem.model(x[i:i + bs]), y[i:i + bs]).backward()
            F.cross_entropy(ref_model(x[i:i + bs]), y[i:i + bs]).backward()
            if step % 2 == 1:
                for name in dropped:
                    k = problem.names.index(name)
                    problem.params[k].grad = ref_params[k].grad = None
            grads = [None if p.grad is None else p.grad.clone() for p in problem.params] if keep_grads else None
            _run(ex, f"step() number {step + 1} ({text})", opt.step, none_hint=none_hint,
                 other_hint=_DROPPED_HINT if dropped and step % 2 == 1 else None)
            ref_opt.step()
            aliased = aliased or (zero == "in_place" and _holds_a_grad(opt, problem.params))
            if keep_grads:
                for name, p, g in zip(problem.names, problem.params, grads):
                    if g is not None and (p.grad is None or not torch.equal(p.grad, g)):
                        changed = "set {}.grad to None" if p.grad is None else "changed {}.grad"
                        ex.fail(f"step() number {step + 1}", f"{changed.format(name)}; step() should leave "
                                "the gradients as backward() made them", inputs=setup,
                                hint="step() only reads the gradients; compute on new tensors "
                                     "(g = p.grad + weight_decay * p, not p.grad.add_(...)), "
                                     + ("keep a copy of the gradient as momentum buffer (buf = g.clone()), "
                                        if ex.name == "SGD" else "")
                                     + "and leave clearing them to zero_grad()")
            got = [p.detach() for p in problem.params]
            compared = [(name, p, q) for name, p, q in zip(problem.names, got, ref_params)
                        if compare is True or (compare == "frozen" and (name in problem.frozen or name == "unused"))]
            for name, p, q in compared:
                try:
                    assert_close(p, q.detach(), name=ex.name, what=f"parameter {name} after step "
                                 f"{step + 1} of {total}", inputs=setup)
                except CheckFailure as failure:
                    if name in problem.frozen or name == "unused":
                        hint = "a parameter without a gradient (.grad is None) must stay as it is: skip it"
                    elif aliased:
                        hint = ("your optimizer keeps a parameter's .grad tensor itself as its state; zeroing "
                                "the gradients in place (or backward() adding to them) changes that state too: "
                                "store a copy (buf = g.clone())")
                    elif dropped:
                        hint = _DROPPED_HINT
                    else:
                        hint = _param_hint(ex, problem, step, [t.clone() for t in got], prev, params,
                                           torch_kw, x, y, bs, epochs, default_lr=lr is None)
                    raise _with_hint(failure, hint) from None
            prev = [t.clone() for t in got]
            ref_opt.zero_grad()
            if zero == "in_place":  # as model.zero_grad(set_to_none=False) does
                for grad in [p.grad for p in problem.params if p.grad is not None]:
                    grad.zero_()
            else:
                _run(ex, f"zero_grad() after step {step + 1} ({text})", opt.zero_grad, none_hint=none_hint)
            for name, p in zip(problem.names, problem.params):
                if p.grad is not None and bool(p.grad.ne(0).any()):
                    ex.fail(f"after zero_grad() (step {step + 1})", f"{name}.grad still holds non-zero values "
                            f"(max |grad| = {p.grad.abs().max().item():.3g})", inputs=setup,
                            hint=_GENERATOR_HINT if params != "list" else
                            "set every parameter's .grad to None, or zero it in place (p.grad.zero_())")
            step += 1
    current = list(problem.model.parameters())
    for name, p, q in zip(problem.names, current, problem.params):
        if p is not q:
            ex.fail("after training", f"parameter {name} is a new object", inputs=setup,
                    hint="change the parameters in place")


@_with_inheritance_note
def check_zero_grad_first(ex, cls, *, lr=0.3, momentum=None, weight_decay=None, seed: int = 0,
                          dtype=torch.float32, device="cpu", compare: bool = True):
    """``zero_grad()`` before any ``backward()`` (every ``.grad`` still None) works, then a step
    (whose result is compared with PyTorch's unless ``compare=False``)."""
    text = _build_text(ex.name, lr, momentum, weight_decay)
    problem = _StepProblem(seed, dtype, device, (), False)
    x, y = tiny_data(7, seed, dtype=dtype, device=device)
    setup = _setup_text(7, 7, 1, dtype, device, extra=f"{text}; params passed as a list")
    opt = _build(ex, cls, list(problem.params), lr, momentum, weight_decay, text)
    _run(ex, f"zero_grad() before any backward() ({text})", opt.zero_grad,
         none_hint="before the first backward() every .grad is None: skip those (if p.grad is not None) "
                   "or simply set p.grad = None")
    for name, p in zip(problem.names, problem.params):
        if p.grad is not None and bool(p.grad.ne(0).any()):
            ex.fail("zero_grad() before any backward()", f"left a non-zero {name}.grad", inputs=setup,
                    hint="set every parameter's .grad to None, or zero it in place (p.grad.zero_())")
    ref_model, ref_params = problem.fresh_copy()
    ref_opt = torch.optim.SGD(ref_params, **_torch_kwargs(lr, momentum, weight_decay))
    F.cross_entropy(problem.model(x), y).backward()
    F.cross_entropy(ref_model(x), y).backward()
    _run(ex, f"step() after zero_grad() ({text})", opt.step)
    ref_opt.step()
    for name, p, q in zip(problem.names, problem.params, ref_params) if compare else ():
        assert_close(p.detach(), q.detach(), name=ex.name,
                     what=f"parameter {name} after zero_grad(), backward() and step()", inputs=setup)
