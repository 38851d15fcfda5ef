"""What the similarity report compares: each student's solution cells, exercise by exercise,
and what everyone shares anyway (the release skeleton and the reference solution).

Submissions are student files: a hand-in that grading refuses (a symbolic link, a FIFO, a
device or a huge file anywhere in it: ``workbook/grading/intake.py``) is skipped with intake's
reason, and every notebook is read as intake reads it (never following a link, never blocking).
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbook.authoring import notebooks
from workbook.course import folders
from workbook.grading import intake

@dataclass
class Submissions:
    """One assignment's solution cells: ``cells[exercise][student] = code``."""
    assignment: str
    exercises: list[str]
    cells: dict[str, dict[str, str]] = field(default_factory=dict)
    students: set[str] = field(default_factory=set)


def notebook_of(hand_in: folders.HandIn) -> Path:
    """The notebook graded for a hand-in: ``<assignment>.ipynb``, else the only notebook there
    (the grader's rule for a renamed copy). An OSError says why there is none to read."""
    folder = hand_in.folder
    for level in (folder.parent, folder):
        if level.is_symlink():
            raise OSError(f"{level.name}/ is a symbolic link, not followed")
    named = folder / f"{hand_in.assignment}.ipynb"
    if os.path.lexists(named):
        return named
    candidates = hand_in.notebooks()
    if len(candidates) == 1:
        return candidates[0]
    raise OSError("no notebook" if not candidates else f"{len(candidates)} notebooks and none named "
                  f"{hand_in.assignment}.ipynb")


def solution_cells(nb) -> dict[str, str]:
    """grade_id -> code of a notebook's solution cells; of copies of one cell, the last, as the
    grader grades it."""
    cells = {}
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
        if cell.get("cell_type") == "code" and isinstance(meta, dict) and meta.get("solution") \
                and isinstance(meta.get("grade_id"), str):
            source = cell.get("source", "")
            cells[meta["grade_id"]] = "".join(source) if isinstance(source, list) else str(source)
    return cells


def read_notebook(path: Path, limit: int) -> dict:
    """A submitted notebook's JSON, read safely; OSError or ValueError when it cannot be.
    Plain JSON, not nbformat: only the cells' sources and metadata are needed, and nbformat's
    schema validation would be half the time of a class of 400."""
    data = intake.read_bytes(path, limit)
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a valid notebook ({type(error).__name__}: {str(error)[:80]})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a valid notebook (no list of cells)")
    return nb


def shared_code(root: Path, assignment: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The release skeleton's and the reference's solution cells (grade_id -> code), and what
    could not be read of them (the report says so: without them nothing is discounted)."""
    problems, skeleton, reference = [], {}, {}
    release = notebooks.notebook_path(root, "release", assignment)
    source = notebooks.notebook_path(root, "source", assignment)
    if release.exists():
        skeleton = solution_cells(notebooks.read(release))
    else:
        problems.append(f"{assignment}: no {release.relative_to(root)}, the skeleton is not discounted")
    if source.exists():
        reference = notebooks.reference_solutions(notebooks.read(source))
    else:
        problems.append(f"{assignment}: no {source.relative_to(root)}, the reference solution is not discounted")
    return skeleton, reference, problems


def collect(root: Path, assignments: list[str]) -> tuple[dict[str, Submissions], list[str]]:
    """Every assignment's solution cells by exercise and student, and one line for every hand-in
    that could not be read (nothing is skipped silently)."""
    found = {a: Submissions(a, []) for a in assignments}
    limit = intake.max_file_bytes(root)
    skipped = [f"{link.student}/{link.assignment or '*'}: a symbolic link, not followed" for link in folders.links(root)
               if link.assignment is None or link.assignment in found]
    for hand_in in folders.submissions(root):
        if hand_in.assignment not in found:
            continue
        where = f"{hand_in.student}/{hand_in.assignment}"
        refused = intake.check(hand_in.folder, limit)
        if refused:
            skipped.append(f"{where}: {refused}")
            continue
        try:
            nb = read_notebook(notebook_of(hand_in), limit)
            cells = solution_cells(nb)
        except (OSError, ValueError) as error:
            skipped.append(f"{where}: {error}")
            continue
        group = found[hand_in.assignment]
        group.students.add(hand_in.student)
        for exercise, code in cells.items():
            group.cells.setdefault(exercise, {})[hand_in.student] = code
    return found, skipped
