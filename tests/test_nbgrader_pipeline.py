"""The real thing: nbgrader autograde on submissions, in Jupyter kernels, end to end.

Slower than the in-process corpus (a kernel per notebook), so it grades a sample: per
assignment the reference solutions, the blank release and one wrong answer, plus for the
first assignment a correct-but-unusual answer and one that emits a warning. The scores
nbgrader records must equal what the in-process grader predicts, cell by cell.
"""

import re
import shutil

import nbformat
import pytest
from conftest import ROOT, SPEC_POINTS, WRITTEN, source_notebook

import inprocess
from workbook import build, corpus, gradebook, grading, notebooks

pytestmark = pytest.mark.nbgrader

WARNING_ANSWER = '''import warnings

def softmax(x, dim=-1):
    warnings.warn("a benign warning from student code", UserWarning)
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted.exp() / shifted.exp().sum(dim=dim, keepdim=True)
'''


def _class(assignment):
    """student -> answers (grade_id -> code) for the sample class of ``assignment``."""
    answers = corpus.load(ROOT / "tests" / "corpus", assignment)
    reference = notebooks.reference_solutions(source_notebook(assignment))
    students = {"solutions": dict(reference), "blank": {}}
    wrong = [a for a in answers if a.verdict == "wrong"][:1]
    extra = [a for a in answers if a.verdict == "correct"][:1] if assignment == WRITTEN[0] else []
    for answer in wrong + extra:
        students[f"{answer.verdict}-{answer.path.stem}".replace("_", "-")] = {**reference, answer.exercise: answer.code}
    if assignment == "01_cross_entropy":
        students["warns"] = {**reference, "softmax": WARNING_ANSWER}
    return students


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    assert build.build(course, solutions=False, log=lambda *_: None) == []
    classes = {a: _class(a) for a in WRITTEN}
    for assignment, students in classes.items():
        release = notebooks.read(notebooks.notebook_path(course, "release", assignment))
        for student, answers in students.items():
            path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(notebooks.make_submission(release, answers), str(path))
    run = grading.grade(course, log=lambda *_: None)
    return course, classes, run


def _cell_scores(course, student, assignment):
    return {c.grade_id: c.score for c in gradebook.cell_scores(gradebook.default_url(course))
            if c.student == student and c.assignment == assignment}


def test_every_submission_was_graded(graded_course):
    course, classes, run = graded_course
    assert run.failed == []
    assert sorted(run.graded) == sorted((s, a) for a, students in classes.items() for s in students)


@pytest.mark.parametrize("assignment", WRITTEN)
def test_nbgrader_scores_equal_the_in_process_prediction(graded_course, assignment):
    course, classes, _ = graded_course
    source = source_notebook(assignment)
    points = {c.grade_id: c.points for c in notebooks.test_cells(source)}
    for student, answers in classes[assignment].items():
        if student == "blank":
            expected = {gid: 0.0 for gid in points}
        else:
            predicted = inprocess.grade(source, answers)
            expected = {gid: points[gid] if predicted.passed[gid] else 0.0 for gid in points}
        assert _cell_scores(course, student, assignment) == expected, student


def test_solutions_get_full_marks_and_blank_gets_zero(graded_course):
    course, classes, _ = graded_course
    table = gradebook.totals(gradebook.default_url(course))
    for assignment in classes:
        full = float(sum(SPEC_POINTS[assignment].values()))
        assert table["solutions"][assignment] == (full, full)
        assert table["blank"][assignment] == (0.0, full)


def test_a_benign_warning_costs_nothing(graded_course):
    course, classes, _ = graded_course
    if "01_cross_entropy" not in classes:
        pytest.skip("01_cross_entropy is not written")
    table = gradebook.totals(gradebook.default_url(course))
    assert table["warns"]["01_cross_entropy"] == (30.0, 30.0)


def test_regrading_gives_the_same_scores(graded_course):
    course, classes, _ = graded_course
    assignment = WRITTEN[0]
    student = next(s for s in classes[assignment] if s.startswith("wrong-"))
    before = _cell_scores(course, student, assignment)
    assert sum(before.values()) < sum(SPEC_POINTS[assignment].values())
    rerun = grading.grade(course, log=lambda *_: None)
    assert rerun.failed == []
    assert _cell_scores(course, student, assignment) == before


def test_feedback_shows_messages_but_not_hidden_tests(graded_course):
    course, classes, _ = graded_course
    assignment = WRITTEN[0]
    html = (course / "feedback" / "blank" / assignment / f"{assignment}.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    assert "not implemented yet" in text
    assert "BEGIN HIDDEN TESTS" not in text
    hidden_only = leaks_secret_lines(assignment)
    assert not any(line in text for line in hidden_only), "a hidden test line reached the feedback"


def leaks_secret_lines(assignment):
    from workbook import leaks

    return {line for line in leaks.secret_lines(source_notebook(assignment)) if "C." in line or "ex." in line}


def test_grades_csv_is_exported(graded_course):
    course, classes, run = graded_course
    rows = run.grades_csv.read_text().splitlines()
    assert rows[0].startswith("assignment,")
    submissions = sum(len(students) for students in classes.values())
    assert len(rows) - 1 >= submissions
