"""What the notebooks' test cells call. It holds no solution.

Runs inside a notebook's kernel: the student's, and the grader's sandboxed one. Ships in the
student wheel. May import torch, numpy and ``workbook.course`` (the course table, the failure
format); never the instructor's side (``authoring``, ``grading``, ``report``, ``audit``).
Per notebook, ``training`` (02), ``modules`` (03) and ``loading`` (04) hold ``check_*``
functions, so that hidden test cells are short lists of cases.

``import workbook.checks as C`` in a notebook's locked setup cell, then, in test cells::

    with C.exercise("softmax") as ex:
        x = C.randn(3, 5, seed=0)
        ex.compare(softmax, torch.softmax, x, dim=1, what="values, dim=1")
"""

from .compare import TOLERANCES, assert_close, describe_inputs
from .devices import DEVICES, available_devices, grading
from .equivalents import EQUIVALENTS, EXERCISES, bindings_for
from .exercise import FORBIDDEN, exercise
from .failures import CheckFailure, Failure, describe
from .forbidden import OpRecorder, exempt
from .inputs import randint, randn
from .integrity import remember_checks, replaced_objects, verify_integrity
from . import loading, modules, training  # noqa: E402  (per-notebook helpers: C.training, ...)
from . import diagnose, hints  # noqa: E402  (C.hints: the hint registry, ids for test cells)

remember_checks()


class OutdatedCoursePackage(ImportError):
    """The installed course package is older than the notebook that imports it."""


def require_version(minimum: str):
    """Fail the setup cell early when the package is older than the notebook expects: an old
    package would otherwise fail later, in some test cell, for reasons the student can't see."""
    from workbook import __version__

    def parts(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version.split(".")[:3] if p.isdigit())

    if parts(__version__) < parts(minimum):
        raise OutdatedCoursePackage(f"this notebook needs workbook {minimum} or newer, {__version__} is installed")


def _warm_up_dispatch_recorder():
    """Pay the one-off cost of a first TorchDispatchMode (PyTorch imports torch._dynamo, about
    1 s) here, in the setup cell, rather than inside the first timed test cell."""
    import torch

    with OpRecorder(()):
        torch.zeros(1) + 1


_warm_up_dispatch_recorder()
