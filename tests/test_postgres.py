"""Scale-out on nbgrader's PostgreSQL gradebook: two graders, disjoint shards, one class.

A real PostgreSQL server on 127.0.0.1; two `workbook grade --shard K/2` processes at once
over the same course folder, as two machines would share it. Every grade must land exactly
once and be right; grading again must change nothing.
"""

import subprocess
import sys

import pytest
from classes import all_classes, expected_cell_scores, hand_in, make_course

import postgres
from workbook.grading import gradebook
from workbook import grading

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def pg_course(tmp_path_factory):
    with postgres.server() as url:
        course = make_course(tmp_path_factory.mktemp("pg"), db_url=gradebook.configured_url(".", url))
        classes = all_classes()
        hand_in(course, classes)
        graders = [subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course),
                                     "--db", url, "--shard", f"{k}/2", "--jobs", "1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for k in (1, 2)]
        outputs = [g.communicate(timeout=1800)[0] for g in graders]
        yield course, url, classes, graders, outputs


def test_both_shards_finish_and_split_the_class(pg_course):
    course, url, classes, graders, outputs = pg_course
    assert [g.returncode for g in graders] == [0, 0], outputs
    students = {s for students in classes.values() for s in students}
    shards = [{s for s in students if grading.in_shard(s, (k, 2))} for k in (1, 2)]
    assert shards[0] and shards[1] and not shards[0] & shards[1] and shards[0] | shards[1] == students


def test_every_grade_landed_once_and_is_right(pg_course):
    course, url, classes, _, _ = pg_course
    url = gradebook.configured_url(course, url)
    cells = gradebook.cell_scores(url)
    keys = [(c.student, c.assignment, c.grade_id) for c in cells]
    assert len(keys) == len(set(keys))
    for assignment, students in classes.items():
        for student, answers in students.items():
            got = {c.grade_id: c.score for c in cells if (c.student, c.assignment) == (student, assignment)}
            assert got == expected_cell_scores(assignment, answers), (student, assignment)


def test_regrading_a_shard_is_idempotent(pg_course):
    course, url, classes, _, _ = pg_course
    before = sorted(gradebook.cell_scores(gradebook.configured_url(course, url)), key=repr)
    run = grading.grade(course, db_url=url, shard=(1, 4), jobs=2, progress=False, log=lambda *_: None)
    assert run.failed == [] and run.graded
    assert sorted(gradebook.cell_scores(gradebook.configured_url(course, url)), key=repr) == before


def test_sharded_grading_refuses_an_unbuilt_gradebook(tmp_path):
    with postgres.server("empty") as url:
        course = tmp_path / "course"
        student = next(f"student{i}" for i in range(100) if grading.in_shard(f"student{i}", (1, 2)))
        (course / "submitted" / student / "01_cross_entropy").mkdir(parents=True)
        (course / "nbgrader_config.py").write_text("c = get_config()\n")
        with pytest.raises(RuntimeError, match="run `workbook build --db URL` once"):
            grading.grade(course, db_url=url, shard=(1, 2), progress=False, log=lambda *_: None)
