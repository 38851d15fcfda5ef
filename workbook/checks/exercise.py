"""The context in which a test cell checks one exercise.

``with exercise("softmax") as ex:`` does what every check needs, in one place:
- binds the names of the notebook's *other* exercises to PyTorch's versions (one mistake
  costs points once), and restores the student's afterwards;
- runs student code under dispatch-level detection of the op the exercise replaces;
- keeps benign warnings and stderr from zeroing the cell (nbgrader fails a cell that
  writes to stderr);
- turns any error in student code into a short message about the student's code, without
  showing the hidden test's source;
- refuses to run when torch or the checks were patched.
"""

import contextlib
import dataclasses
import importlib
import linecache
import os
import sys
import warnings

import torch

from workbook.course.table import ASSIGNMENT_TABLE

from . import diagnose, equivalents, forbidden, hints
from .compare import assert_close, describe_call, describe_inputs
from .failures import CheckFailure, Failure
from .inputs import randn
from .integrity import verify_integrity

_MISSING = object()
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__))
_ALL_EXERCISES = [e for a in ASSIGNMENT_TABLE for e in a.exercises]


def _resolve(dotted: str):
    """The object a dotted name ("torch.nn.functional.nll_loss") names."""
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# What each exercise may not reach, read from the course table (an exercise without forbidden
# ops has no entry): ATen ops caught at dispatch, and the Python functions that reach them
# another way (F.cross_entropy with probability targets decomposes before dispatch).
FORBIDDEN = {e.name: e.forbidden_ops for e in _ALL_EXERCISES if e.forbidden_ops}
FORBIDDEN_FUNCTIONS = {e.name: tuple(map(_resolve, e.forbidden_functions))
                       for e in _ALL_EXERCISES if e.forbidden_functions}
REPLACES = {e.name: e.replaces for e in _ALL_EXERCISES}  # what a message names as rebuilt


# Errors whose cause is certain from PyTorch's own message alone: (type, text in the message, hint).
KNOWN_ERRORS = [
    (TypeError, "torch.return_types.m", hints.text("max-returns-pair")),
    (RuntimeError, "modified by an inplace operation", hints.text("inplace-autograd")),
    (RuntimeError, "could not infer output dtype", hints.text("mean-of-bool")),
    (ValueError, "only one element tensors can be converted to Python scalars", hints.text("tensor-of-tensors")),
    (AttributeError, "cannot assign module before Module.__init__() call", hints.text("module-before-init")),
]

# The attributes ``call`` and ``compare`` leave on an error of student code, so that the
# failure that reports it (``explain``) names the input it was called with and the property.
_CALLED_WITH, _CHECKING = "_workbook_called_with", "_workbook_checking"


def _note(exc: BaseException, name: str, value: str):
    if value and not getattr(exc, name, ""):
        try:
            setattr(exc, name, value)
        except AttributeError:  # an exception type without a __dict__: report it without
            pass


class exercise:
    """Check one exercise; see the module docstring. Use as a context manager."""

    def __init__(self, name: str, *, forbid=None, bind=None, namespace=None):
        caller = sys._getframe(1)
        self.name = name
        self.namespace = caller.f_globals if namespace is None else namespace
        self.forbidden = FORBIDDEN.get(name, frozenset()) if forbid is None else frozenset(forbid)
        self.forbidden_functions = FORBIDDEN_FUNCTIONS.get(name, ()) if forbid is None else ()
        self.bindings = {**equivalents.bindings_for(name), **(bind or {})}
        self._test_code = caller.f_code
        self._stack = None

    # -- the context -------------------------------------------------------------------
    def __enter__(self):
        verify_integrity()
        stack = contextlib.ExitStack()
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        stack.enter_context(contextlib.redirect_stderr(sys.stdout))
        saved = {k: self.namespace.get(k, _MISSING) for k in self.bindings}
        stack.callback(self._restore, saved)
        for k, fn in self.bindings.items():
            self.namespace[k] = forbidden.exempt(fn)
        self._stack = stack
        # The notebook's own values of the names bound to PyTorch's, for checks that must
        # compare with them (a default argument holds the student's function, not the binding).
        self.own = {k: v for k, v in saved.items() if v is not _MISSING}
        return self

    def __exit__(self, exc_type, exc, tb):
        self._stack.close()
        if exc_type is None:
            verify_integrity()
            return False
        if issubclass(exc_type, CheckFailure) or not issubclass(exc_type, (Exception, SystemExit)):
            return False
        raise self.explain(exc) from None

    def _restore(self, saved):
        for k, v in saved.items():
            if v is _MISSING:
                self.namespace.pop(k, None)
            else:
                self.namespace[k] = v

    # -- running student code ----------------------------------------------------------
    def call(self, fn, *args, **kwargs):
        """Call student code, catching any use of the PyTorch op this exercise replaces."""
        if not callable(fn):
            self.fail("", f"expected a function or class, got {type(fn).__name__}",
                      hint=hints.text("not-callable"))
        try:
            if not self.forbidden and not self.forbidden_functions:
                return fn(*args, **kwargs)
            recorder = forbidden.OpRecorder(self.forbidden)
            functions = forbidden.FunctionRecorder(self.forbidden_functions)
            with functions, recorder:
                returned = fn(*args, **kwargs)
        except Exception as exc:
            _note(exc, _CALLED_WITH, describe_call(args, kwargs))
            raise
        self.assert_no_forbidden(recorder, functions)
        return returned

    def assert_no_forbidden(self, recorder, functions=None):
        seen = [f"aten::{op}" for op in recorder.seen] + (functions.seen if functions else [])
        if seen:
            found = ", ".join(f"{forbidden.PYTHON_NAMES.get(op.removeprefix('aten::'), op)} ({op})"
                              if op.startswith("aten::") else op for op in seen)
            self.fail("", f"calls {found}, which this exercise asks you to replace (it rebuilds "
                          f"{REPLACES.get(self.name, 'a PyTorch function')}; every alias reaches the same "
                          "operator)", hint=hints.text("forbidden-op"))

    def forbid(self):
        """A context that records forbidden ops in a longer block of student code."""
        return _ForbidBlock(self)

    # -- checks ------------------------------------------------------------------------
    def assert_close(self, actual, expected, what: str, inputs=(), **kwargs):
        kwargs["hint"] = hints.resolve(kwargs.get("hint"))
        assert_close(actual, expected, name=self.name, what=what,
                     inputs=describe_inputs(*inputs), **kwargs)

    def failure(self, what: str, problem: str, *, inputs: str = "", hint: str = "") -> CheckFailure:
        """This exercise's ``CheckFailure`` with these parts (see workbook/course/failures.py),
        for a caller that raises it itself (``raise ex.failure(...) from None``)."""
        return CheckFailure(Failure(self.name, problem, what, inputs=inputs, hint=hint or ""))

    def fail(self, what: str, problem: str, *, inputs: str = "", hint: str = ""):
        """Raise this exercise's ``CheckFailure`` with these parts."""
        raise self.failure(what, problem, inputs=inputs, hint=hint)

    def check(self, condition: bool, problem: str, *, what: str = "", inputs: str = "", hint: str = ""):
        """Fail with ``problem`` (and these parts) unless ``condition`` holds."""
        if not condition:
            self.fail(what, problem, inputs=inputs, hint=hint)

    def compare(self, fn, reference, *args, what: str = "values", hint=None, grad: bool = False,
                rtol=None, atol=None, check_dtype: bool = True, **kwargs):
        """Call ``fn`` and ``reference`` on copies of the same inputs and compare the results.

        Also checks that ``fn`` leaves its inputs unchanged; with ``grad=True`` compares the
        gradients of the floating-point inputs too (backward with a fixed random cotangent).
        ``hint`` (an id of ``hints``, or words) is what the inputs probe; when the result differs,
        the experiments of ``diagnose`` choose the hint first, and a shape or a non-finite value
        that no experiment explains gets no hint but ``hint``.
        """
        def copies():
            return [a.detach().clone().requires_grad_(grad and a.is_floating_point())
                    if isinstance(a, torch.Tensor) else a for a in args]

        def rerun(*variant, **kw):  # the student's function on another input, for the diagnosis
            return self.call(fn, *[a.detach().clone() if isinstance(a, torch.Tensor) else a for a in variant], **kw)

        inputs = describe_call(args, kwargs)
        mine, theirs = copies(), copies()
        try:
            actual = self.call(fn, *mine, **kwargs)
        except Exception as exc:
            _note(exc, _CHECKING, what)
            raise
        expected = reference(*theirs, **kwargs)
        for before, after in zip(args, mine):
            if isinstance(before, torch.Tensor) and not torch.equal(before, after.detach()):
                self.fail("", "changes its input in place", inputs=inputs, hint=hints.text("changes-input"))
        try:
            assert_close(actual, expected, name=self.name, what=what, inputs=inputs, hint=hints.resolve(hint),
                         rtol=rtol, atol=atol, check_dtype=check_dtype, guess=False)
        except CheckFailure as failure:
            found = diagnose.mismatch(rerun, reference, args, kwargs, actual, expected, rtol=rtol, atol=atol)
            if found is None:
                raise
            raise CheckFailure(dataclasses.replace(failure.failure, hint=found)) from None
        if grad:
            self._compare_grads(actual, expected, mine, theirs, what, inputs, rtol, atol)
        return actual

    def _compare_grads(self, actual, expected, mine, theirs, what, inputs, rtol, atol):
        if not actual.requires_grad:
            self.fail(what, "the result is not connected to the input's gradient", inputs=inputs,
                      hint=hints.text("graph-cut"))
        cotangent = randn(*expected.shape, seed=1234, dtype=expected.dtype, device=expected.device)
        leaves = [i for i, a in enumerate(mine) if isinstance(a, torch.Tensor) and a.requires_grad]
        recorder = forbidden.OpRecorder(self.forbidden)
        with recorder:
            got = torch.autograd.grad(actual, [mine[i] for i in leaves], cotangent, allow_unused=True)
        self.assert_no_forbidden(recorder)
        want = torch.autograd.grad(expected, [theirs[i] for i in leaves], cotangent, allow_unused=True)
        for g_mine, g_want in zip(got, want):
            if g_mine is None:
                self.fail(what, "no gradient reaches the input", inputs=inputs, hint=hints.text("no-grad-to-input"))
            assert_close(g_mine, g_want, name=self.name, what=f"gradient ({what})", inputs=inputs,
                         rtol=rtol, atol=atol, hint=hints.text("grad-partly-cut"))

    # -- messages ----------------------------------------------------------------------
    def explain(self, exc: BaseException, *, what: str = "", hint: str | None = None) -> CheckFailure:
        """The failure that reports ``exc``, an error raised by student code: what it raised, on
        which line of the student's code, and a hint: ``hint``, the cause the caller expects, or
        else the one PyTorch's own message makes certain (``KNOWN_ERRORS``).

        The one way an error in student code becomes a message; raise what it returns.
        """
        if isinstance(exc, NotImplementedError):
            return CheckFailure(Failure(self.name, "not implemented yet (your code raised NotImplementedError"
                                        + (f": {exc}" if str(exc) else "") + ")"))
        if isinstance(exc, SystemExit):
            return CheckFailure(Failure(self.name, "your code called sys.exit() or exit(), which stops the checks"))
        if isinstance(exc, NameError):
            return CheckFailure(Failure(self.name, str(exc), hint=hints.text("undefined-name")))
        certain = next((h for kind, text, h in KNOWN_ERRORS if isinstance(exc, kind) and text in str(exc)), None)
        raised = f"your code raised {type(exc).__name__}"
        what = what or getattr(exc, _CHECKING, "")
        what, problem = (what, f"{raised}: {exc}") if what else (raised, str(exc))
        return CheckFailure(Failure(self.name, problem, what, inputs=getattr(exc, _CALLED_WITH, ""),
                                    code=self.student_line(exc.__traceback__), hint=hint or certain or ""))

    @contextlib.contextmanager
    def hinted(self, what: str, hint: str | None = None):
        """A block of student code whose errors are reported with ``what`` and ``hint``
        (``explain``). Failures of checks, and NotImplementedError, pass through unchanged."""
        try:
            yield
        except (CheckFailure, NotImplementedError):
            raise
        except Exception as error:
            raise self.explain(error, what=what, hint=hint) from None

    def student_line(self, tb) -> str:
        """``in <function>: <line>``, the innermost line of student code in the traceback (never
        a hidden test's line); "" when the traceback holds none."""
        line = ""
        while tb is not None:
            code = tb.tb_frame.f_code
            path = os.path.abspath(code.co_filename)
            if code is not self._test_code and not path.startswith((_PACKAGE_DIR, _TORCH_DIR)):
                text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
                if text:
                    line = f"in {code.co_name}: {text}"
            tb = tb.tb_next
        return line


class _ForbidBlock:
    def __init__(self, ex: exercise):
        self.ex = ex
        self.recorder = forbidden.OpRecorder(ex.forbidden)

    def __enter__(self):
        self.recorder.__enter__()
        return self

    def __exit__(self, *exc):
        self.recorder.__exit__(*exc)
        if exc[0] is None:
            self.ex.assert_no_forbidden(self.recorder)
        return False
