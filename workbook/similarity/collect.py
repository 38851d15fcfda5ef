"""What the similarity report compares: each student's solution cells, exercise by exercise,
and what everyone shares anyway (the release skeleton and the reference solution).

Submissions are student files: a submitted path that is a symbolic link, a FIFO, a device or
a huge file is skipped with its reason (never followed, never opened). ``workbook/grading``
will get an intake module that refuses the same things; until then ``safe_read`` does it here.
"""

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from workbook.authoring import notebooks
from workbook.course import folders

MAX_NOTEBOOK_BYTES = 100 * 2**20  # nbgrader's own default limit for a submitted file


@dataclass
class Submissions:
    """One assignment's solution cells: ``cells[exercise][student] = code``."""
    assignment: str
    exercises: list[str]
    cells: dict[str, dict[str, str]] = field(default_factory=dict)
    students: set[str] = field(default_factory=set)


def safe_read(path: Path) -> bytes:
    """The bytes of a regular file, refusing links, FIFOs, devices and files over the limit
    with an OSError that says which. Opened without following links and without blocking, then
    checked again on the open file, so a file swapped after the first look is refused too."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise OSError("a symbolic link, not followed")
    if not stat.S_ISREG(info.st_mode):
        raise OSError("not a regular file (a FIFO, a device or a folder), not opened")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise OSError("not a regular file, not read")
        if opened.st_size > MAX_NOTEBOOK_BYTES:
            raise OSError(f"{opened.st_size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit")
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise OSError(f"over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit")
    return data


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


def read_notebook(path: Path) -> dict:
    """A submitted notebook's JSON, read safely; OSError or ValueError when it cannot be.
    Plain JSON, not nbformat: only the cells' sources and metadata are needed, and nbformat's
    schema validation would be half the time of a class of 400."""
    data = safe_read(path)
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
    skipped = []
    for hand_in in folders.submissions(root):
        if hand_in.assignment not in found:
            continue
        where = f"{hand_in.student}/{hand_in.assignment}"
        try:
            nb = read_notebook(notebook_of(hand_in))
            cells = solution_cells(nb)
        except (OSError, ValueError) as error:
            skipped.append(f"{where}: {error}")
            continue
        group = found[hand_in.assignment]
        group.students.add(hand_in.student)
        for exercise, code in cells.items():
            group.cells.setdefault(exercise, {})[hand_in.student] = code
    return found, skipped
