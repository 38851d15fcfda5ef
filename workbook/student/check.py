"""``workbook check NOTEBOOK``: is this notebook ready to submit?

It runs the notebook from the top in a fresh kernel, as nbgrader's validate does (with
``NBGRADER_EXECUTION`` set, so the demos stay small), and then says, exercise by
exercise, whether the visible checks pass. It also lists what would make the submission
grade badly: exercises that still raise ``NotImplementedError``, cells that raise errors,
read-only or test cells that were edited, deleted or copied, changed grading metadata, a
renamed kernel or notebook file. Messages are for a student: short, with the cell and what
to do. Offline, and with the student package alone.
"""

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course.cell_repair import find_accidents, role
from . import manifest

NOT_DONE = "raise NotImplementedError"


@dataclass
class Verdict:
    """What ``check`` found; ``ready`` only when nothing would cost points by accident."""
    notebook: Path
    assignment: str | None
    exercises: dict[str, str] = field(default_factory=dict)  # exercise -> one line of status
    problems: list[str] = field(default_factory=list)         # what to fix before submitting

    @property
    def ready(self) -> bool:
        return self.assignment is not None and not self.problems and all(
            status == "visible checks pass" for status in self.exercises.values())


class CannotCheck(Exception):
    """The notebook cannot be checked at all (not a notebook, not of this course)."""


def _grade_id(cell) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _label(index: int, cell) -> str:
    gid = _grade_id(cell)
    return f"cell {index + 1}" + (f" (`{gid}`)" if gid else "")


def identify(path: Path, nb, course: dict) -> tuple[str, list[str]]:
    """Which assignment ``nb`` is, and a note when its file name is not the one graded."""
    expected = f"{path.stem}"
    if expected in course:
        return expected, []
    ids = {_grade_id(c) for c in nb.cells if _grade_id(c)}
    scores = {name: len(ids & set(entry["cells"])) for name, entry in course.items()}
    best = max(scores, key=scores.get, default=None)
    if best is None or scores[best] == 0:
        raise CannotCheck(f"{path.name} is not a notebook of this course (its graded cells match none of "
                          f"{', '.join(sorted(course)) or 'the assignments'}); is the course package up to date?")
    return best, [f"the file is named {path.name}, but the grader collects {best}.ipynb: rename it "
                  f"(a browser download or Jupyter's 'Make a copy' adds ' (1)' or '-Copy1')"]


def structure_problems(nb, entry: dict) -> list[str]:
    """Deleted, edited or copied graded cells, changed metadata, a renamed kernel."""
    problems = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != entry["kernel"]:
        problems.append(f"the notebook's kernel is `{kernel}`, the grader runs `{entry['kernel']}`: in Jupyter, "
                        f"Kernel > Change kernel, and pick the course's Python 3")
    known = {gid: spec["role"] for gid, spec in entry["cells"].items()}
    for accident in find_accidents(nb, known):
        cell = nb.cells[accident.index]
        if accident.kind == "copy":
            problems.append(f"{_label(accident.index, cell)} is a copy of a graded cell (Jupyter copies a cell's "
                            f"grading metadata with it); the grader keeps cell {accident.kept + 1} and grades the "
                            "copy as a plain cell: delete the copy, and keep your code in the graded cell")
        else:
            problems.append(f"{_label(accident.index, cell)} carries grading metadata that this assignment does "
                            "not have (copied from another notebook?); it will be graded as a plain cell, worth "
                            "nothing: re-create it as a new cell (new cells carry no grading metadata)")
    seen = {}
    for index, cell in enumerate(nb.cells):
        gid = _grade_id(cell)
        if gid in entry["cells"] and role(cell) is not None:
            seen.setdefault(gid, (index, cell))
    for gid, spec in entry["cells"].items():
        if gid not in seen:
            what = "test cell" if spec["role"] == "test" else f"{spec['role']} cell"
            problems.append(f"the {what} `{gid}` was deleted: the grader puts the original back; copy it from a "
                            "fresh copy of the release notebook so that you can run it yourself")
            continue
        index, cell = seen[gid]
        meta = cell.metadata["nbgrader"]
        if role(cell) != spec["role"]:
            problems.append(f"{_label(index, cell)}: its grading metadata was changed (it is marked as a "
                            f"{role(cell)} cell, released as a {spec['role']} cell): undo it, or start again from "
                            "the release notebook")
        elif spec["role"] == "test" and meta.get("points") != spec["points"]:
            problems.append(f"{_label(index, cell)}: its points were changed from {spec['points']} to "
                            f"{meta.get('points')}: the grader uses the original points; undo the change")
        if "hash" in spec and manifest.source_hash(cell.source) != spec["hash"]:
            problems.append(f"{_label(index, cell)} is read-only but was edited: the grader runs the original; "
                            "undo your edits (Edit > Undo, or copy the cell from the release notebook)")
    return problems


def execute(nb, cwd: Path, timeout: int):
    """Run every cell in a fresh kernel of this environment, errors and all, as nbgrader does."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    # kernel_dirs=[]: the kernel of *this* Python, where the course package is installed,
    # whatever other "python3" kernels the machine has registered.
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(cwd)}})
    previous = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "validate"
    try:
        # the kernel's own stderr (start-up notices) would only confuse a student; what the
        # cells print and raise comes back through the notebook's outputs
        client.execute(stderr=subprocess.DEVNULL)
    finally:
        if previous is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = previous
    return nb


def _first_error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines = [line for line in str(output.get("evalue", "")).splitlines() if line.strip()]
            head = f"{output.get('ename')}: {lines[0] if lines else ''}"
            hint = next((line.strip() for line in lines[1:] if line.strip().startswith("hint:")), None)
            return head[:300] + (f" ({hint})" if hint else "")
    return None


def exercise_report(nb, entry: dict, verdict: Verdict):
    """Each exercise's status, and errors of other cells, from the executed notebook."""
    unfinished = set()
    for index, cell in enumerate(nb.cells):
        gid = _grade_id(cell)
        if role(cell) == "solution" and gid in entry["exercises"] and NOT_DONE in cell.source:
            unfinished.add(gid)
    first_unfinished = min((i for i, c in enumerate(nb.cells) if _grade_id(c) in unfinished), default=len(nb.cells))
    failing: dict[str, list[str]] = {}
    knock_on = 0  # errors of demo cells after an unfinished exercise: most likely because of it
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        error = _first_error(cell)
        if error is None:
            continue
        gid = _grade_id(cell)
        spec = entry["cells"].get(gid, {})
        if spec.get("role") == "test" and spec.get("exercise"):
            failing.setdefault(spec["exercise"], []).append(f"{_label(index, cell)}: {error}")
        elif index > first_unfinished:
            knock_on += 1
        else:
            verdict.problems.append(f"{_label(index, cell)} raised {error}: fix it, then run the notebook "
                                    "from the top (Kernel > Restart & Run All)")
    if knock_on:
        verdict.problems.append(f"{knock_on} later cell{'s' if knock_on > 1 else ''} raised errors, most likely "
                                "because of the unfinished exercises: check again once they are done")
    for exercise in entry["exercises"]:
        if exercise in unfinished:
            verdict.exercises[exercise] = ("not done: its cell still has `raise NotImplementedError()`; "
                                           "replace that line with your code")
        elif exercise in failing:
            verdict.exercises[exercise] = "visible check fails: " + failing[exercise][0]
        else:
            verdict.exercises[exercise] = "visible checks pass"


def check(path, timeout: int = 120, course: dict | None = None) -> Verdict:
    """Check one notebook; raises CannotCheck when it cannot be read as one of the course's."""
    path = Path(path)
    course = manifest.load() if course is None else course
    if not course:
        raise CannotCheck("this copy of the course package has no course description (course.json): "
                          "install the student bundle from the course page")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise CannotCheck(f"{path}: no such file") from None
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise CannotCheck(f"{path.name} is not a readable notebook ({type(error).__name__}): open it in "
                          "Jupyter; if it does not open, start again from the release notebook") from None
    assignment, notes = identify(path, nb, course)
    entry = course[assignment]
    verdict = Verdict(path, assignment, problems=notes + structure_problems(nb, entry))
    execute(nb, path.resolve().parent, timeout)
    exercise_report(nb, entry, verdict)
    return verdict


def render(verdict: Verdict) -> str:
    """The verdict as a student reads it in a terminal."""
    width = max((len(e) for e in verdict.exercises), default=0)
    lines = [f"{verdict.notebook.name} ({verdict.assignment}):"]
    lines += [f"  {'ok  ' if status == 'visible checks pass' else 'TODO'} {exercise:<{width}}  {status}"
              for exercise, status in verdict.exercises.items()]
    if verdict.problems:
        lines.append("Would cost points when graded:")
        lines += [f"  - {problem}" for problem in verdict.problems]
    if verdict.ready:
        lines.append("Ready to submit: every visible check passes. The hidden checks test more "
                     "(other inputs, gradients, devices) when it is graded.")
    else:
        todo = sum(status != "visible checks pass" for status in verdict.exercises.values())
        lines.append(f"Not ready to submit: {todo} exercise{'s' if todo != 1 else ''} to finish or fix"
                     + (f", {len(verdict.problems)} other problem{'s' if len(verdict.problems) != 1 else ''}"
                        if verdict.problems else "") + ".")
    return "\n".join(lines)
