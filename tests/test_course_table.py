"""The course table (workbook/course/table.py) is the one statement of the course's facts:
the notebooks in source/, the manifest students get and the checks must agree with it."""

import json

import pytest

from conftest import ROOT, SPEC_POINTS
from workbook.authoring import notebooks
from workbook.course import table


@pytest.mark.parametrize("assignment", table.ASSIGNMENTS)
def test_source_notebook_holds_exactly_the_tables_exercises_cells_and_points(assignment):
    entry = table.assignment(assignment)
    nb = notebooks.read(notebooks.notebook_path(ROOT, "source", assignment))
    assert tuple(notebooks.solution_cells(nb)) == entry.exercise_names
    in_notebook = [(c.grade_id, c.points) for c in notebooks.test_cells(nb)]
    in_table = [test for exercise in entry.exercises for test in exercise.tests]
    assert in_notebook == in_table
    for exercise in entry.exercises:
        for grade_id in exercise.grade_ids:
            assert table.exercise_of(grade_id, entry.exercise_names) == exercise.name


def test_the_tables_points_are_the_designs():
    assert {a.name: {e.name: e.points for e in a.exercises} for a in table.ASSIGNMENT_TABLE} == SPEC_POINTS


def test_points_add_up_to_the_course_total():
    assert sum(a.points for a in table.ASSIGNMENT_TABLE) == table.TOTAL_POINTS


def test_exercise_names_are_unique_across_the_course():
    names = [e.name for a in table.ASSIGNMENT_TABLE for e in a.exercises]
    assert len(names) == len(set(names))
    assert all(table.assignment_of(n) == table.exercise(n).assignment for n in names)


def test_an_unknown_assignment_is_named_in_the_error():
    with pytest.raises(KeyError, match="05_attention.*01_cross_entropy"):
        table.assignment("05_attention")


def test_exercise_of_takes_the_longest_matching_name():
    assert table.exercise_of("test_log_softmax_values", ("softmax", "log_softmax")) == "log_softmax"
    assert table.exercise_of("test_softmax_values", ("softmax", "log_softmax")) == "softmax"
    assert table.exercise_of("test_unknown", ("softmax",)) is None


def test_the_student_manifest_agrees_with_the_table():
    manifest = json.loads((ROOT / "workbook" / "student" / "course.json").read_text())
    assert sorted(manifest) == sorted(table.ASSIGNMENTS)
    for name, entry in manifest.items():
        tests = {gid: (cell["exercise"], cell["points"]) for gid, cell in entry["cells"].items()
                 if cell["role"] == "test"}
        assert tests == {gid: (e.name, points) for e in table.assignment(name).exercises for gid, points in e.tests}


def test_forbidden_python_names_are_named_for_every_forbidden_op():
    ops = set().union(*(e.forbidden_ops for a in table.ASSIGNMENT_TABLE for e in a.exercises))
    assert ops <= set(table.OP_PYTHON_NAMES)
