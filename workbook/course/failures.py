"""The failure message format: what a failed check tells a student, and how the report reads it back.

A failed check prints, as the error of its test cell (and so in nbgrader's feedback)::

    softmax: values, dim=1: max abs difference 0.5; at index (0, 1) expected 0.2, got 0.7 (rtol=1e-05, atol=1e-06)
      input: float32 (3, 5) on cpu
      in your code, in softmax: return x.exp() / x.exp().sum()
      hint: divide by the sum along the same dim

``Failure.render`` writes that text and ``parse`` reads it back into the same parts; both live
here, so the format has one definition. The first line is ``exercise: what: problem``; ``what``
(the property or scenario checked) never holds ": " (``render`` writes that separator as ", "),
so the split is exact. A failure without a ``what`` reads back exactly when its problem holds no
": " either. The lines after the first are optional and come in this order.
"""

from dataclasses import dataclass

_INPUT, _CODE, _HINT = "  input: ", "  in your code, ", "  hint: "


@dataclass(frozen=True)
class Failure:
    """The parts of one failed check.

    ``exercise``: the exercise's name; ``what``: the property or scenario checked ("" when the
    problem concerns the whole exercise); ``problem``: what differed; ``inputs``: the inputs'
    description; ``code``: the student's line it happened on ("in fit: loss.backward()");
    ``hint``: what to try.
    """
    exercise: str
    problem: str
    what: str = ""
    inputs: str = ""
    code: str = ""
    hint: str = ""

    def render(self) -> str:
        what = self.what.replace(": ", ", ")
        lines = [": ".join(part for part in (self.exercise, what, self.problem) if part)]
        lines += [prefix + text for prefix, text in ((_INPUT, self.inputs), (_CODE, self.code), (_HINT, self.hint))
                  if text]
        return "\n".join(lines)


def parse(text: str, exercise: str | None = None) -> Failure:
    """The parts of a rendered failure; ``exercise`` (the test cell's, when known) tells a message
    that starts with its exercise from a message that does not (a plain exception's)."""
    lines = (text or "").splitlines()
    first = lines[0].strip() if lines else ""
    extra = {"inputs": "", "code": "", "hint": ""}
    for line in lines[1:]:
        for field, prefix in (("inputs", _INPUT), ("code", _CODE), ("hint", _HINT)):
            if line.startswith(prefix) and not extra[field]:
                extra[field] = line[len(prefix):].strip()
    if exercise and first.startswith(f"{exercise}: "):
        rest = first[len(exercise) + 2:]
        what, sep, problem = rest.partition(": ")
        if not sep:
            what, problem = "", rest
        return Failure(exercise, problem, what, **extra)
    return Failure(exercise or "", first, **extra)
