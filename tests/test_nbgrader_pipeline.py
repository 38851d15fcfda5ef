"""The real thing: nbgrader autograde on a class of 40 submissions, end to end, with --jobs 2.

Slower than the in-process corpus (a kernel per notebook), so it grades a sample: per
assignment the reference solutions, the blank release and eight corpus answers, plus a
correct answer that emits a warning. The scores nbgrader records must equal what the
in-process grader predicts, cell by cell.
"""

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from classes import all_classes, expected_cell_scores, hand_in, make_course
from conftest import SPEC_POINTS, WRITTEN, ctrl_c_as_in_a_terminal, source_notebook

from workbook.grading import gradebook
from workbook import grading
from workbook.authoring import leaks

pytestmark = pytest.mark.nbgrader

WARNING_ANSWER = '''import warnings

def softmax(x, dim=-1):
    warnings.warn("a benign warning from student code", UserWarning)
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted.exp() / shifted.exp().sum(dim=dim, keepdim=True)
'''


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("sqlite"))
    classes = all_classes()
    if "01_cross_entropy" in classes:
        reference = classes["01_cross_entropy"]["solutions"]
        classes["01_cross_entropy"]["warns"] = {**reference, "softmax": WARNING_ANSWER}
    hand_in(course, classes)
    run = grading.grade(course, jobs=2, progress=False, log=lambda *_: None)
    return course, classes, run


def _cell_scores(course, student, assignment):
    return {c.grade_id: c.score for c in gradebook.cell_scores(gradebook.default_url(course))
            if c.student == student and c.assignment == assignment}


def test_every_submission_was_graded_once(graded_course):
    course, classes, run = graded_course
    assert run.failed == []
    expected = sorted((s, a) for a, students in classes.items() for s in students)
    assert sorted(run.graded) == expected
    assert len(expected) >= 40 or len(WRITTEN) < 4
    table = gradebook.totals(gradebook.default_url(course))
    assert sorted((s, a) for s, row in table.items() for a in row) == expected


@pytest.mark.parametrize("assignment", WRITTEN)
def test_nbgrader_scores_equal_the_in_process_prediction(graded_course, assignment):
    course, classes, _ = graded_course
    for student, answers in classes[assignment].items():
        assert _cell_scores(course, student, assignment) == expected_cell_scores(assignment, answers), student


def test_solutions_get_full_marks_and_blank_gets_zero(graded_course):
    course, classes, _ = graded_course
    table = gradebook.totals(gradebook.default_url(course))
    for assignment in classes:
        full = float(sum(SPEC_POINTS[assignment].values()))
        assert table["solutions"][assignment] == (full, full)
        assert table["blank"][assignment] == (0.0, full)


def test_a_benign_warning_costs_nothing(graded_course):
    course, classes, _ = graded_course
    assert "01_cross_entropy" in classes
    table = gradebook.totals(gradebook.default_url(course))
    assert table["warns"]["01_cross_entropy"] == (30.0, 30.0)


def test_regrading_gives_the_same_scores(graded_course):
    course, classes, _ = graded_course
    assignment = WRITTEN[0]
    student = next(s for s in classes[assignment] if s.startswith("wrong-"))
    before = _cell_scores(course, student, assignment)
    assert sum(before.values()) < sum(SPEC_POINTS[assignment].values())
    sub = grading.Submission(student, assignment, course / "submitted" / student / assignment)
    assert grading.grade_submission(sub, course, gradebook.default_url(course)) is None
    assert _cell_scores(course, student, assignment) == before


def test_feedback_shows_messages_but_not_hidden_tests(graded_course):
    course, classes, _ = graded_course
    assignment = WRITTEN[0]
    html = (course / "feedback" / "blank" / assignment / f"{assignment}.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    assert "not implemented yet" in text
    assert "BEGIN HIDDEN TESTS" not in text
    hidden = {line for line in leaks.secret_lines(source_notebook(assignment)) if "ex." in line}
    assert hidden and not any(line in text for line in hidden), "a hidden test line reached the feedback"


def test_grades_csv_has_a_row_per_student_and_assignment(graded_course):
    course, classes, run = graded_course
    with open(run.grades_csv) as f:
        rows = list(csv.DictReader(f))
    students = {s for students in classes.values() for s in students}
    assert len(rows) == len(students) * len(classes)  # nbgrader's exporter: every student x assignment
    table = gradebook.totals(gradebook.default_url(course))
    for row in rows:
        expected = table.get(row["student_id"], {}).get(row["assignment"], (0.0, None))[0]
        assert float(row["raw_score"]) == expected, row


def _live_processes_in_group(pgid: int, wait: float = 10.0) -> list[int]:
    """Processes of group ``pgid`` still alive after up to ``wait`` s (SIGKILL is not instant)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue
            if int(group) == pgid and state not in ("Z", "X"):
                found.append(int(stat.parent.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_grading_process_that_dies_is_replaced(graded_course):
    course, _, _ = graded_course
    assignment = WRITTEN[0]
    worker = grading.start_worker(course, gradebook.default_url(course), None, "test-death")
    try:
        assert worker.grade("solutions", assignment).ok
        first = worker.proc.pid
        os.kill(first, signal.SIGKILL)
        worker.proc.wait()
        assert worker.grade("blank", assignment).ok
        assert worker.proc.pid != first
    finally:
        worker.close()
    assert _cell_scores(course, "solutions", assignment) == expected_cell_scores(assignment, all_classes()[assignment]["solutions"])


def test_a_grading_process_past_its_time_limit_is_killed_with_its_kernel(graded_course):
    course, classes, _ = graded_course
    assignment = WRITTEN[0]
    url = gradebook.default_url(course)
    sub = grading.Submission("blank", assignment, course / "submitted" / "blank" / assignment)
    worker = grading.start_worker(course, url, None, "test-limit")
    worker.max_seconds = 1.0  # less than starting a kernel and importing torch takes
    try:
        problem = grading.grade_one(sub, worker, course, url).problem
    finally:
        worker.close()
    assert "grading took longer than 1 s and was stopped" in problem
    assert _live_processes_in_group(worker.pid) == []  # no kernel left behind
    assert "blank" not in gradebook.totals(url) or assignment not in gradebook.totals(url)["blank"]
    kept = course / grading.LOG_FOLDER / f"blank.{assignment}.log"
    assert "longer than 1 s" in kept.read_text()  # the whole story, for the instructor
    assert grading.grade_submission(sub, course, url) is None
    assert _cell_scores(course, "blank", assignment) == expected_cell_scores(assignment, classes[assignment]["blank"])
    assert not kept.exists()  # graded now: the old failure's log is gone


def _grading_processes(course: Path) -> list[int]:
    """Process groups of the grading workers running in ``course``."""
    groups = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"workbook.grading.worker" in cmdline.read_bytes() and Path(cmdline.parent / "cwd").resolve() == course:
                groups.append(os.getpgid(int(cmdline.parent.name)))
        except (OSError, ProcessLookupError):
            continue
    return groups


def test_ctrl_c_stops_the_graders_and_their_kernels(tmp_path):
    course = make_course(tmp_path)
    assignment = WRITTEN[0]
    reference = all_classes()[assignment]["solutions"]
    sleeper = {**reference, "softmax": reference["softmax"] + "\nimport time\ntime.sleep(25)\n"}
    hand_in(course, {assignment: {"sleeper-1": sleeper, "sleeper-2": sleeper}})  # busy kernels when Ctrl-C comes
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--jobs", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while len(groups := _grading_processes(course.resolve())) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(groups) == 2, "the two grading processes never started"
    time.sleep(3)  # into the notebooks: kernels are running
    grader.send_signal(signal.SIGINT)
    output = grader.communicate(timeout=60)[0]
    assert grader.returncode == 130 and "interrupted" in output, output
    for group in groups:  # killed, not left to finish a 25 s cell
        assert _live_processes_in_group(group, wait=5.0) == [], output
