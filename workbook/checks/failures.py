"""The one exception every check raises, shown to students as its message alone.

IPython renders an exception that has ``_render_traceback_`` with the lines that method
returns instead of a traceback. That keeps the source of hidden tests out of the outputs
(and so out of nbgrader's feedback), while the message says what went wrong.
"""


from workbook.course.failures import Failure, parse


class CheckFailure(AssertionError):
    """A failed check. ``failure`` holds its parts (``workbook.course.failures.Failure``);
    the message is their rendering, the text students and the report read."""

    def __init__(self, failure: "Failure | str"):
        if isinstance(failure, str):  # a message written whole: keep it as written, parts read from it
            text, failure = failure, parse(failure)
        else:
            text = failure.render()
        self.failure = failure
        super().__init__(text)

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines() or [""])]


def describe(t) -> str:
    """'float32 (3, 5) on cpu' for a tensor; the type name for anything else."""
    import torch

    if isinstance(t, torch.Tensor):
        return f"{str(t.dtype).removeprefix('torch.')} {tuple(t.shape)} on {t.device}"
    return type(t).__name__
