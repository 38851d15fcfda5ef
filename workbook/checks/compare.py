"""Compare a student's tensor with PyTorch's, and say precisely how they differ.

Tolerances are per dtype. float32/float64 use ``torch.testing``'s defaults, which every
correct solution in ``tests/corpus`` passes (``tests/test_corpus.py`` grades them; the
optimizer answers use at most about 1 % of the tolerance, measured for issue 13). float16/bfloat16 use the looser bounds that PyTorch's own
"compute in float32, then cast" result and a natively low-precision computation both pass:
over 2,000 seeds the correct answers used at most 50% (float16) and 66% (bfloat16) of them
before atol was doubled to cover rows whose LogSumExp is large.
"""

import torch

from . import hints
from .failures import CheckFailure, Failure, describe

TOLERANCES = {  # dtype: (rtol, atol)
    torch.float64: (1e-7, 1e-7),
    torch.float32: (1.3e-6, 1e-5),
    torch.float16: (1e-2, 2e-3),
    torch.bfloat16: (5e-2, 2e-2),
}


def tolerance(dtype, rtol=None, atol=None):
    default_rtol, default_atol = TOLERANCES.get(dtype, (0.0, 0.0))
    return (default_rtol if rtol is None else rtol), (default_atol if atol is None else atol)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _index(flat_index: int, shape) -> tuple:
    return tuple(int(i) for i in torch.unravel_index(torch.tensor(flat_index), shape)) if shape else ()


def assert_close(actual, expected, *, name: str, what: str, inputs: str = "",
                 hint: str | None = None, rtol=None, atol=None, check_dtype: bool = True, guess: bool = True):
    """Fail with a message naming the exercise, the property, the input and the difference.

    ``guess=False`` drops the generic advice for a wrong shape or a non-finite value (a guess at
    the cause): ``exercise.compare`` passes it and lets ``diagnose`` find the cause instead."""
    def fail(problem: str, own_hint: str | None = None, *, certain: bool = False):
        # A wrong type, dtype or device is a fact, and its own advice says exactly what to
        # change (``certain``). For a wrong shape or wrong values the generic advice is only a
        # guess: the test's hint, which knows what its inputs probe, wins over it.
        if not certain and not guess:
            own_hint = None
        advice = (own_hint or hint) if certain else (hint or own_hint)
        raise CheckFailure(Failure(name, problem, what, inputs=inputs, hint=advice or ""))

    if not isinstance(actual, torch.Tensor):
        fail(f"expected a tensor, got {type(actual).__name__}",
             hints.text("not-a-tensor"), certain=True)
    if actual.shape != expected.shape:
        fail(f"shape {tuple(actual.shape)}, expected {tuple(expected.shape)}",
             "check which dimension you reduce and whether you keep it (keepdim)")
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"dtype {str(actual.dtype).removeprefix('torch.')}, expected "
             f"{str(expected.dtype).removeprefix('torch.')}",
             hints.text("hard-coded-dtype"), certain=True)
    if actual.device != expected.device:
        fail(f"result on {actual.device}, expected on {expected.device}",
             hints.text("wrong-device"), certain=True)
    rtol, atol = tolerance(expected.dtype, rtol, atol)
    a = actual.detach().to("cpu", torch.float64)
    e = expected.detach().to("cpu", torch.float64)
    if a.numel() == 0:
        return
    a_finite, e_finite = torch.isfinite(a), torch.isfinite(e)
    broken = e_finite & ~a_finite
    if broken.any():
        i = int(broken.flatten().nonzero()[0])
        fail(f"got {_fmt(a.flatten()[i].item())} at index {_index(i, a.shape)} where PyTorch gives "
             f"the finite value {_fmt(e.flatten()[i].item())}",
             "exp overflows for large inputs: subtract the maximum (along the same dim) first")
    same_special = torch.where(e_finite, True, (a == e) | (torch.isnan(a) & torch.isnan(e)))
    if not same_special.all():
        i = int((~same_special).flatten().nonzero()[0])
        fail(f"got {_fmt(a.flatten()[i].item())} at index {_index(i, a.shape)}, expected "
             f"{_fmt(e.flatten()[i].item())}")
    both = a_finite & e_finite
    diff = torch.where(both, (a - e).abs(), torch.zeros_like(a))
    excess = diff - (atol + rtol * e.abs())
    if (excess > 0).any():
        i = int(excess.flatten().argmax())
        fail(f"max abs difference {_fmt(diff.max().item())}; at index {_index(i, a.shape)} expected "
             f"{_fmt(e.flatten()[i].item())}, got {_fmt(a.flatten()[i].item())} "
             f"(rtol={rtol:g}, atol={atol:g})")


def describe_inputs(*args) -> str:
    """'float32 (3, 5) on cpu, int64 (3,) on cpu' for the tensors among ``args``."""
    return ", ".join(describe(a) for a in args if isinstance(a, torch.Tensor))


_PLAIN = (bool, int, float, str, type(None))


def describe_call(args, kwargs) -> str:
    """'float32 (3, 5) on cpu, dim=0, keepdim=True': the tensors and plain values (numbers,
    strings, None) a call got, keyword arguments by name; other objects are left out."""
    parts = [describe(a) if isinstance(a, torch.Tensor) else repr(a) for a in args
             if isinstance(a, (torch.Tensor, *_PLAIN))]
    parts += [f"{k}={describe(v) if isinstance(v, torch.Tensor) else repr(v)}" for k, v in kwargs.items()
              if isinstance(v, (torch.Tensor, *_PLAIN))]
    return ", ".join(parts)
