"""Tell the causes of a wrong result apart by experiment, before a hint is chosen.

When ``exercise.compare`` finds a result that differs from PyTorch's, the property test that
failed only says *that* it differs (e.g. "not finite on x * 1000"). Several mistakes fail the
same property for different reasons, and the advice for one is wrong for the others, so this
module reruns the student's function on a few inputs derived from the failing one:

- along the other dimensions (does the result equal PyTorch's for another ``dim``: a
  hard-coded dimension), and the result's shape against what ``dim``/``keepdim`` ask;
- ``z + 100`` in the input's dtype and in float64 (z: the input shifted to maximum 0 along
  ``dim`` and scaled to [-4, 0]): wrong in float32 but right in float64 is an ``exp`` that
  overflows, i.e. no max shift;
- the input shifted to maximum 0 along ``dim``: right there, wrong as given, and right on
  ``z + 100``, is a shift by one maximum of the whole tensor;
- ``-inf`` (or a floor) exactly where the exact log-probability is below the log of the
  dtype's smallest positive number: the log of a probability that underflowed to 0.

It returns the hint (``hints``) of the cause found, or None when no experiment is conclusive:
then the message says what differs and by how much, and guesses nothing. It runs only on the
failure path, so correct answers pay nothing.
"""

import math

import torch

from . import hints
from .compare import tolerance


def _close(a, b, rtol, atol) -> bool:
    if not isinstance(a, torch.Tensor) or a.shape != b.shape:
        return False
    return bool(torch.allclose(a.detach().to("cpu", torch.float64), b.detach().to("cpu", torch.float64),
                               rtol=rtol, atol=atol, equal_nan=True))


def _fmt(v: float) -> str:
    return f"{v:.6g}"


class _Experiments:
    """The failing call (its arguments, with the first floating tensor as ``x``) and ways to
    rerun the student's function and PyTorch's on variants of it."""

    def __init__(self, run, reference, args, kwargs, rtol, atol):
        self.run, self.reference, self.kwargs = run, reference, kwargs
        self.args = list(args)
        self.i = next((i for i, a in enumerate(args) if isinstance(a, torch.Tensor) and a.is_floating_point()), None)
        self.x = None if self.i is None else args[self.i].detach()
        self.rtol, self.atol = rtol, atol

    def _with(self, x):
        args = list(self.args)
        args[self.i] = x
        return args

    def agrees(self, x, **kw) -> bool:
        """Does the student's function give PyTorch's result on ``x`` (with these kwargs)?"""
        kwargs = {**self.kwargs, **kw}
        try:
            with torch.no_grad():
                mine = self.run(*self._with(x), **kwargs)
                want = self.reference(*self._with(x), **kwargs)
            rtol, atol = tolerance(want.dtype, self.rtol if x.dtype == self.x.dtype else None,
                                   self.atol if x.dtype == self.x.dtype else None)
            return _close(mine, want, rtol, atol)
        except Exception:  # an experiment that raises tells nothing
            return False

    def reference_along(self, dim):
        try:
            with torch.no_grad():
                return self.reference(*self._with(self.x), **{**self.kwargs, "dim": dim})
        except Exception:
            return None

    @property
    def dim(self) -> int:
        return self.kwargs.get("dim", -1)

    def shifted(self):
        """The input with each slice along ``dim`` shifted to maximum 0 (the values a correct,
        stable implementation works with)."""
        return self.x - self.x.amax(dim=self.dim, keepdim=True)

    def normalised(self):
        s = self.shifted()
        return s / max(1.0, s.abs().max().item() / 4)


def mismatch(run, reference, args, kwargs, actual, expected, *, rtol=None, atol=None) -> "str | None":
    """The hint for a result ``actual`` that differs from ``expected`` (PyTorch's), found by
    experiment; None when no cause is certain. ``run`` calls the student's function."""
    if not isinstance(actual, torch.Tensor) or not isinstance(expected, torch.Tensor):
        return None
    if actual.shape == expected.shape and (actual.dtype != expected.dtype or actual.device != expected.device):
        return None  # a wrong dtype or device is a fact with its own hint
    rtol, atol = tolerance(expected.dtype, rtol, atol)
    exp = _Experiments(run, reference, args, kwargs, rtol, atol)
    if exp.x is None or exp.x.numel() == 0:
        return None
    try:
        return _dims(exp, actual) or (_shape(exp, actual, expected) if actual.shape != expected.shape
                                      else _stability(exp, actual, expected))
    except Exception:  # a diagnosis must never break the check: no hint is better than a crash
        return None


def _dims(exp, actual):
    """A result equal to PyTorch's along another dimension: ``dim`` is hard-coded or ignored."""
    if "dim" not in exp.kwargs or exp.x.dim() < 2:
        return None
    asked = exp.kwargs["dim"]
    for other in range(exp.x.dim()):
        if other == asked % exp.x.dim():
            continue
        want = exp.reference_along(other)
        if want is not None and _close(actual, want, exp.rtol, exp.atol):
            return hints.text("ignores-dim", other=other, dim=asked)
    return None


def _shape(exp, actual, expected):
    got, want = tuple(actual.shape), tuple(expected.shape)

    def without_one(longer, shorter):
        return any(longer[i] == 1 and longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))

    if len(got) == len(want) + 1 and without_one(got, want):
        return hints.text("kept-reduced-dim")
    if len(got) + 1 == len(want) and without_one(want, got):
        return hints.text("dropped-reduced-dim" if exp.kwargs.get("keepdim") else "squeezed")
    if "dim" in exp.kwargs:
        shape = list(exp.x.shape)
        kept = shape[:]
        kept[exp.dim] = 1
        dropped = shape[:]
        del dropped[exp.dim]
        try:
            if tuple(torch.broadcast_shapes(tuple(kept), tuple(dropped))) == got:
                return hints.text("broadcast-reduced", got=got)
        except RuntimeError:
            pass
    return None


def _stability(exp, actual, expected):
    a = actual.detach().to("cpu", torch.float64)
    e = expected.detach().to("cpu", torch.float64)
    dtype = str(exp.x.dtype).removeprefix("torch.")
    broken = torch.isfinite(e) & ~torch.isfinite(a)
    same_shape_as_input = actual.shape == exp.x.shape
    # log of the smallest positive number of the dtype: exact log-probabilities below it are
    # probabilities that round to 0
    log_tiny = math.log(torch.finfo(exp.x.dtype).tiny)
    if broken.any():
        i = int(broken.flatten().nonzero()[0])
        value = _fmt(a.flatten()[i].item())
        if exp.x.dtype != torch.float64:
            near_100 = exp.normalised() + 100
            if not exp.agrees(near_100) and exp.agrees(near_100.double()):
                limit = f"{math.log(torch.finfo(exp.x.dtype).max):.1f}"
                return hints.text("exp-overflow", value=value, dtype=dtype, limit=limit)
        if exp.agrees(exp.shifted()) and exp.agrees(exp.normalised() + 100):
            return hints.text("global-max", value=value)
        underflowed = broken & (e < log_tiny)
        if same_shape_as_input and a.flatten()[i].item() == -math.inf and bool(underflowed.flatten()[i]):
            return hints.text("log-underflow", value=value, dtype=dtype)
        return None
    if same_shape_as_input:
        rtol, atol = exp.rtol, exp.atol
        excess = torch.where(torch.isfinite(a) & torch.isfinite(e), (a - e).abs() - (atol + rtol * e.abs()),
                             torch.zeros_like(a))
        i = int(excess.flatten().argmax())
        got, want = a.flatten()[i].item(), e.flatten()[i].item()
        if excess.flatten()[i] > 0 and want < log_tiny and got > want:
            return hints.text("log-floor", got=_fmt(got), want=_fmt(want), dtype=dtype)
    return None
