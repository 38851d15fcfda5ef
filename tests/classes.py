"""Synthetic classes of submissions for the end-to-end tests, and what each should score."""

import shutil

import nbformat
from conftest import ROOT, WRITTEN, source_notebook

import inprocess
from workbook.authoring import build, notebooks
from workbook.demo import corpus

PER_ASSIGNMENT = 10  # four assignments: a class of 40 submissions


def sample_class(assignment, size=PER_ASSIGNMENT) -> dict[str, dict[str, str]]:
    """student -> answers: the solutions, the blank release, then corpus answers (wrong ones
    spread over the exercises first, then correct-but-unusual ones)."""
    reference = notebooks.reference_solutions(source_notebook(assignment))
    answers = corpus.load(ROOT / "tests" / "corpus", assignment)
    wrong, seen = [], set()
    for answer in (a for a in answers if a.verdict == "wrong"):
        if answer.exercise not in seen:
            seen.add(answer.exercise)
            wrong.append(answer)
    correct = [a for a in answers if a.verdict == "correct"]
    picked = (wrong + correct)[: size - 2]
    students = {"solutions": dict(reference), "blank": {}}
    for answer in picked:
        students[f"{answer.verdict}-{answer.path.stem}".replace("_", "-")[:60]] = {
            **reference, answer.exercise: answer.code}
    return students


def make_course(tmp_path, db_url=None):
    """A scratch course folder with every written assignment built (and in the gradebook)."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    assert build.build(course, solutions=False, db_url=db_url, log=lambda *_: None) == []
    return course


def hand_in(course, classes):
    for assignment, students in classes.items():
        release = notebooks.read(notebooks.notebook_path(course, "release", assignment))
        for student, answers in students.items():
            path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(notebooks.make_submission(release, answers), str(path))


def expected_cell_scores(assignment, answers) -> dict[str, float]:
    """What each test cell should score, from the in-process grader."""
    source = source_notebook(assignment)
    points = {c.grade_id: c.points for c in notebooks.test_cells(source)}
    if not answers:
        return {gid: 0.0 for gid in points}
    predicted = inprocess.grade(source, answers)
    return {gid: points[gid] if predicted.passed[gid] else 0.0 for gid in points}


def all_classes():
    return {a: sample_class(a) for a in WRITTEN}
