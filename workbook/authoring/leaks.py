"""Check that release notebooks give nothing away: no solution, no hidden test, no output.

nbgrader removes the marked regions itself; this check guards against the mistakes it
cannot see (a solution line left outside the markers, a hidden test pasted into a visible
cell, a stored output that shows a reference value).
"""

import re
from pathlib import Path

from . import notebooks

_REGION = re.compile(r"^\s*### BEGIN (SOLUTION|HIDDEN TESTS)\s*$(.*?)^\s*### END \1\s*$", re.M | re.S)
_MARKER = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")
_MIN_SECRET_LENGTH = 12  # shorter lines ("return out", "else:") are too common to be telling


def secret_lines(source_nb) -> set[str]:
    """Lines that only occur inside solution or hidden-test regions of the source notebook."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        inside = {line.strip() for m in _REGION.finditer(cell.source) for line in m.group(2).splitlines()}
        outside = {line.strip() for line in _REGION.sub("", cell.source).splitlines()}
        secret |= inside
        public |= outside
    return {line for line in secret - public if len(line) >= _MIN_SECRET_LENGTH}


def find_leaks(source_nb, release_nb) -> list[str]:
    """Human-readable problems with ``release_nb``; empty when it is safe to hand out."""
    problems = []
    secrets = secret_lines(source_nb)
    for index, cell in enumerate(release_nb.cells):
        where = notebooks.nbgrader_meta(cell).get("grade_id") or f"cell {index}"
        if _MARKER.search(cell.source):
            problems.append(f"{where}: contains a solution or hidden-test marker")
        for line in cell.source.splitlines():
            if line.strip() in secrets:
                problems.append(f"{where}: contains a line of a solution or hidden test: {line.strip()!r}")
        if cell.cell_type == "code" and cell.get("outputs"):
            problems.append(f"{where}: has stored outputs")
    return problems


def check_release(root, assignments) -> list[str]:
    """Leak problems over every assignment's release notebook, prefixed with its path."""
    problems = []
    for assignment in assignments:
        source = notebooks.read(notebooks.notebook_path(root, "source", assignment))
        release_path = notebooks.notebook_path(root, "release", assignment)
        if not release_path.exists():
            problems.append(f"{release_path}: missing (run `workbook build`)")
            continue
        problems += [f"{release_path.relative_to(Path(root).resolve())}: {p}"
                     for p in find_leaks(source, notebooks.read(release_path))]
    return problems
