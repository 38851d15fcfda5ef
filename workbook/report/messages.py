"""A failed test cell's message as the report groups it: the parts of the check's message (read
with ``workbook.course.failures.parse``, the format's one definition), with the numbers that vary
between students who made the same mistake taken out of the problem."""

import re
from dataclasses import dataclass

from workbook.course.failures import parse

CHECK_ERRORS = ("CheckFailure", "AssertionError")  # their message is the check's, in the failure format

_NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
_NORMALIZE = [  # what varies between students who made the same mistake
    (re.compile(r"max abs difference .*$"), "max abs difference …"),
    (re.compile(rf"(where PyTorch gives the finite value) {_NUMBER}"), r"\1 …"),
    (re.compile(r"at index \([^)]*\)"), "at index (…)"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "0x…"),
    (re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])"), "…"),  # non-integers
]


@dataclass(frozen=True)
class Message:
    """A failed test cell's message, as it groups: its first line with the numbers that vary
    between students taken out, and its hint."""
    text: str
    hint: str = ""


def failure_message(ename: str, evalue: str, exercise: str | None = None) -> Message:
    """The grouping key of one failure: ``CheckFailure``'s message, first line, normalized.

    A check's message reads ``"<exercise>: <property>: <problem>"`` followed by ``input:``
    and ``hint:`` lines. Numbers are taken out of the problem only: the property names the
    input (``x * 1000``, ``dim=0``), which is the same for every student. Any other exception
    keeps its name in front of its message.
    """
    own = not ename or ename in CHECK_ERRORS
    failure = parse(evalue, exercise if own else None)
    if failure.what:
        head, problem = f"{failure.exercise}: {failure.what}: ", failure.problem
    else:  # no property named: the whole first line is the problem
        head, problem = "", parse(evalue).problem
    if not own:
        problem = f"{ename}: {problem}" if problem else ename
    for pattern, repl in _NORMALIZE:
        problem = pattern.sub(repl, problem)
    text = (head + problem).strip() or "failed without a message"
    return Message(text[:400], failure.hint[:300])


def cell_failure(cell) -> tuple[str, str] | None:
    """(ename, evalue) of an executed test cell's error output; ("stderr", text) when it only
    wrote to stderr (nbgrader scores that 0 too); None when it did neither."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "stderr", "".join(out.get("text", ""))
    return None
