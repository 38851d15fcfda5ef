"""Find, and undo, copied cells that carry nbgrader's grading metadata.

Jupyter copies a cell's metadata with the cell, so a student who copies the softmax
solution cell, or a visible test cell to re-run it, hands in two cells with the same
``grade_id``; a cell pasted from elsewhere can carry the metadata of a graded cell the
assignment does not have. nbgrader then refuses the whole notebook (its metadata
validation fails), and the student scores 0 for an accident. The rules here say which
copy is the graded one, the rest become plain cells (they still run, in place, but are
worth nothing):

- a solution cell: the **last** copy is graded, the student's latest work;
- a test cell, a locked cell or a task: the **first** copy, the original position, is
  graded (a copy further down was made to re-run it);
- a cell whose ``grade_id`` the assignment does not have, or that has none: plain.

No points are ever invented: a plain cell is worth nothing, and the points of the kept
cells come from the gradebook, not from the notebook.

This module imports only nbformat's notebook type and the standard library, so that the
student-side check can warn before submission. The grader applies it before nbgrader's
own checks (``workbook.preprocessors.RepairCopiedCells``). nbgrader's DeduplicateIds
alone keeps the last copy of every kind of cell and leaves the others with an empty
nbgrader entry, which its own metadata validation then rejects, hence this module.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from nbformat import NotebookNode

ROLES = ("solution", "test", "locked", "task")
LOG_MARK = "workbook repaired:"  # begins the grader's log line for each repair (the summary collects them)


@dataclass(frozen=True)
class Accident:
    index: int              # the cell's position in the notebook (0-based)
    grade_id: str | None    # the id it carries (None: none at all)
    kind: str               # "copy" or "unknown"
    kept: int | None        # for a copy: the position of the copy that stays graded
    message: str            # one sentence, for the student and the instructor


def role(cell: NotebookNode) -> str | None:
    """What nbgrader would treat ``cell`` as: one of ROLES, or None for a plain cell."""
    meta = cell.get("metadata", {}).get("nbgrader") or {}
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "test"
    if meta.get("task"):
        return "task"
    if meta.get("locked"):
        return "locked"
    return None


def known_cells(nb: NotebookNode) -> dict[str, str]:
    """grade_id -> role for the graded cells of a released (or source) notebook."""
    found = {}
    for cell in nb.cells:
        kind = role(cell)
        if kind is not None and cell.metadata["nbgrader"].get("grade_id"):
            found.setdefault(cell.metadata["nbgrader"]["grade_id"], kind)
    return found


def _what(kind: str) -> str:
    return {"solution": "solution cell", "test": "test cell", "task": "task cell", "locked": "read-only cell"}[kind]


def find_accidents(nb: NotebookNode, known: Mapping[str, str]) -> list[Accident]:
    """Every cell of ``nb`` that must become a plain cell, by the rules above, in order."""
    places: dict[str, list[int]] = {}
    accidents = []
    for index, cell in enumerate(nb.cells):
        kind = role(cell)
        if kind is None:
            continue
        grade_id = cell.metadata["nbgrader"].get("grade_id")
        if not isinstance(grade_id, str) or grade_id not in known:
            points = cell.metadata["nbgrader"].get("points")
            worth = f" ({points} points)" if kind == "test" and points else ""
            named = f"`{grade_id}`" if isinstance(grade_id, str) and grade_id else "no id"
            accidents.append(Accident(index, grade_id if isinstance(grade_id, str) else None, "unknown", None,
                                      f"cell {index + 1} carries the grading metadata of a {_what(kind)}{worth} "
                                      f"with {named}, which this assignment does not have: it was graded as a "
                                      "plain cell, worth no points"))
            continue
        places.setdefault(grade_id, []).append(index)
    for grade_id, indices in places.items():
        if len(indices) < 2:
            continue
        kind = known[grade_id]
        kept = indices[-1] if kind == "solution" else indices[0]
        which = "the last copy" if kind == "solution" else "the first copy (the original position)"
        for index in indices:
            if index != kept:
                accidents.append(Accident(index, grade_id, "copy", kept,
                                          f"cell {index + 1} is a copy of the {_what(kind)} `{grade_id}` (Jupyter "
                                          f"copies a cell's grading metadata with it): it ran as a plain cell; "
                                          f"cell {kept + 1}, {which}, is the graded one"))
    return sorted(accidents, key=lambda accident: accident.index)


def make_plain(cell: NotebookNode):
    """Drop nbgrader's metadata from ``cell``: it runs as before, ungraded, worth nothing."""
    cell.metadata.pop("nbgrader", None)


def repair(nb: NotebookNode, known: Mapping[str, str]) -> list[Accident]:
    """Make every accidental graded cell of ``nb`` plain (in place); what was repaired."""
    accidents = find_accidents(nb, known)
    for accident in accidents:
        make_plain(nb.cells[accident.index])
    return accidents
