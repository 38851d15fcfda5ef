"""Catch calls of the PyTorch function an exercise replaces, at the ATen dispatch level.

``torch.softmax``, ``F.softmax``, ``x.softmax``, ``nn.Softmax`` and ``torch.special.softmax``
are different Python entry points, but every one of them reaches the same ATen operator
(``aten::_softmax``). A ``TorchDispatchMode`` sees that operator whichever alias was used, so
patching names in ``torch.nn.functional`` is not enough to hide a call. PyTorch has no public
"which ops ran" API besides dispatch modes, hence this small recorder.
"""

import functools

from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

# The operator sets and the Python names that reach them are course facts: the table holds them.
from workbook.course.table import (LOG_SOFTMAX_OPS, LOGSUMEXP_OPS, NLL_OPS,  # noqa: F401
                                   OP_PYTHON_NAMES as PYTHON_NAMES, SOFTMAX_OPS)

_exempt_depth = 0


class OpRecorder(TorchDispatchMode):
    """Records which forbidden ATen operators run while it is active (outside exemptions).

    It records rather than raises: student code may wrap the call in ``try``/``except``.
    """

    def __init__(self, forbidden):
        super().__init__()
        self.forbidden = frozenset(forbidden)
        self.seen: list[str] = []

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # PyTorch wraps a mode's __torch_dispatch__ in torch._dynamo.disable unless the mode
        # opts out here, and the first call then imports torch._dynamo: about 1 s of CPU in
        # every graded kernel, for a compiler that the checks never use.
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name in self.forbidden and _exempt_depth == 0 and name not in self.seen:
            self.seen.append(name)
        return func(*args, **(kwargs or {}))


class FunctionRecorder(TorchFunctionMode):
    """Records calls of forbidden Python-level torch functions (outside exemptions).

    Some functions never reach a distinctive ATen op: ``F.cross_entropy`` with probability
    targets decomposes into log-softmax, multiply and sum before dispatch.
    """

    def __init__(self, forbidden):
        super().__init__()
        self.forbidden = tuple(forbidden)
        self.seen: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if _exempt_depth == 0 and any(func is f for f in self.forbidden):
            name = f"{func.__module__}.{func.__name__}"
            if name not in self.seen:
                self.seen.append(name)
        return func(*args, **(kwargs or {}))


def exempt(fn):
    """Wrap a PyTorch reference so that the ops it runs are never held against the student.

    Used for the names of *other* exercises bound to PyTorch's versions during a test: a
    student's ``log_softmax`` may call ``softmax`` (bound to ``torch.softmax``) freely.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _exempt_depth
        _exempt_depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _exempt_depth -= 1

    wrapper.__workbook_exempt__ = True
    return wrapper
