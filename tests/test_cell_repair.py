"""Copied graded cells (workbook/course/cell_repair.py): which copy stays graded, which become plain.

nbgrader's own steps reject these notebooks (its metadata validation fails after its
DeduplicateIds), which is why the repair exists; the end-to-end grading of each accident
is in test_bad_submissions.py.
"""

import copy
from pathlib import Path

import pytest
from conftest import release_notebook
from nbformat.v4 import new_code_cell
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooOldError, ValidationError
from nbgrader.preprocessors import DeduplicateIds

from workbook.course import cell_repair
from workbook.authoring import notebooks

A = "01_cross_entropy"


def _index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)


def copied_solution(nb):
    i = _index(nb, "softmax")
    nb.cells.insert(i + 1, copy.deepcopy(nb.cells[i]))
    return nb


def copied_test(nb):
    nb.cells.append(copy.deepcopy(nb.cells[_index(nb, "test_softmax_values")]))
    return nb


def own_graded_cell(nb):
    nb.cells.append(new_code_cell("print('my own check')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": False, "points": 50, "grade_id": "my_check",
        "schema_version": 3}}))
    return nb


def _nbgrader_alone_accepts(nb) -> bool:
    """nbgrader's DeduplicateIds, then the metadata validation its autograde ends with."""
    nb = copy.deepcopy(nb)
    nb, _ = DeduplicateIds().preprocess(nb, {})
    try:
        MetadataValidator().validate_nb(nb)
    except (ValidationError, SchemaTooOldError):
        return False
    return True


@pytest.fixture
def release():
    return release_notebook(A)


def test_an_untouched_notebook_needs_no_repair(release):
    assert cell_repair.find_accidents(release, cell_repair.known_cells(release)) == []


@pytest.mark.parametrize("accident, kept_is_last", [(copied_solution, True), (copied_test, False)])
def test_a_copy_becomes_plain_and_the_rule_picks_the_graded_one(release, accident, kept_is_last):
    known = cell_repair.known_cells(release)
    nb = accident(copy.deepcopy(release))
    assert not _nbgrader_alone_accepts(nb)
    found = cell_repair.find_accidents(nb, known)
    assert len(found) == 1 and found[0].kind == "copy"
    copies = [i for i, c in enumerate(nb.cells) if notebooks.nbgrader_meta(c).get("grade_id") == found[0].grade_id]
    assert found[0].kept == (copies[-1] if kept_is_last else copies[0])
    assert found[0].index != found[0].kept and "copy of the" in found[0].message
    source = nb.cells[found[0].index].source
    assert cell_repair.repair(nb, known) == found
    assert "nbgrader" not in nb.cells[found[0].index].metadata  # plain: runs as before, worth nothing
    assert nb.cells[found[0].index].source == source
    assert _nbgrader_alone_accepts(nb)
    assert cell_repair.find_accidents(nb, known) == []


def test_an_unknown_graded_cell_becomes_plain_and_adds_no_points(release):
    known = cell_repair.known_cells(release)
    nb = own_graded_cell(copy.deepcopy(release))
    points_before = sum(c.points for c in notebooks.test_cells(nb))
    found = cell_repair.repair(nb, known)
    assert [(a.kind, a.grade_id) for a in found] == [("unknown", "my_check")]
    assert "50 points" in found[0].message and "no points" in found[0].message
    assert sum(c.points for c in notebooks.test_cells(nb)) == points_before - 50
    assert sum(c.points for c in notebooks.test_cells(nb)) == sum(c.points for c in notebooks.test_cells(release))


def test_a_graded_cell_without_an_id_becomes_plain(release):
    nb = copy.deepcopy(release)
    nb.cells.append(new_code_cell("x = 1", metadata={"nbgrader": {"solution": True, "schema_version": 3}}))
    found = cell_repair.find_accidents(nb, cell_repair.known_cells(release))
    assert [(a.kind, a.grade_id, a.index) for a in found] == [("unknown", None, len(nb.cells) - 1)]


def test_a_plain_cell_with_leftover_metadata_is_left_alone(release):
    nb = copy.deepcopy(release)
    nb.cells.append(new_code_cell("x = 1", metadata={"nbgrader": {"grade": False, "solution": False,
                                                                  "locked": False, "grade_id": "cell-1"}}))
    assert cell_repair.find_accidents(nb, cell_repair.known_cells(release)) == []


def test_the_module_imports_nothing_of_nbgrader():
    """The student-side check imports it; students do not install nbgrader."""
    source = Path(cell_repair.__file__).read_text()
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all("nbgrader" not in line and "torch" not in line for line in imports), imports
