"""Read nbgrader notebooks: their exercises, test cells and points, and build submissions.

Used by the demo (a class of synthetic submissions), the tests (the corpus of wrong and
correct solutions) and the build's leak check.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from workbook.course import table

SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


@dataclass(frozen=True)
class TestCell:
    grade_id: str
    points: float
    source: str


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb) -> dict[str, str]:
    """grade_id -> source of every solution cell, in notebook order."""
    return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and nbgrader_meta(c).get("solution")}


def test_cells(nb) -> list[TestCell]:
    """Every autograded test cell, in notebook order."""
    return [TestCell(nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)), c.source)
            for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")]


def exercise_of(test_grade_id: str, exercises) -> str:
    """The exercise a test cell belongs to (the course table's naming rule); an error for a test
    cell that belongs to none, since its points would count for nothing."""
    found = table.exercise_of(test_grade_id, exercises)
    if found is None:
        raise ValueError(f"test cell {test_grade_id!r} belongs to no exercise of {list(exercises)}")
    return found


def points_by_exercise(nb) -> dict[str, float]:
    exercises = list(solution_cells(nb))
    totals = {e: 0.0 for e in exercises}
    for cell in test_cells(nb):
        totals[exercise_of(cell.grade_id, exercises)] += cell.points
    return totals


def strip_solution_markers(source: str) -> str:
    """The instructor's solution as a student would write it: markers removed."""
    return "\n".join(line for line in source.splitlines() if not SOLUTION_MARKERS.match(line))


def reference_solutions(source_nb) -> dict[str, str]:
    """grade_id -> the instructor's solution code, from a source notebook."""
    return {gid: strip_solution_markers(src) for gid, src in solution_cells(source_nb).items()}


def make_submission(release_nb, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of a release notebook whose solution cells hold ``answers`` (by grade_id).

    Solution cells not named in ``answers`` keep the release's placeholder, as a student
    who skipped them would.
    """
    nb = nbformat.from_dict(release_nb)
    unknown = set(answers) - set(solution_cells(nb))
    if unknown:
        raise KeyError(f"no solution cell named {sorted(unknown)} in this notebook")
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if cell.cell_type == "code" and nbgrader_meta(cell).get("solution") and gid in answers:
            cell.source = answers[gid]
    return nb


def notebook_path(root, folder: str, assignment: str) -> Path:
    """``<root>/<folder>/<assignment>/<assignment>.ipynb``: one notebook per assignment."""
    return Path(root) / folder / assignment / f"{assignment}.ipynb"
