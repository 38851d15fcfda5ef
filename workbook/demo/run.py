"""`workbook demo`: the whole instructor workflow on a small synthetic class, offline.

It copies the course into a scratch folder, builds the release, hands in a submission for
every demo student (the reference solutions, the untouched release, students who each
made one typical mistake taken from ``tests/corpus``, and one broken submission), grades
them with nbgrader in parallel, prints the grade table, writes the report, runs the audit and
writes the similarity report.
"""

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from workbook import audit, grading, report, similarity
from workbook.authoring import build, notebooks
from workbook.grading import gradebook, sandbox
from workbook.grading.contracts import ENVIRONMENT_NAMES, GradingOptions
from . import corpus

MISTAKE_STUDENTS = ("cleo", "dev", "eli")


@dataclass(frozen=True)
class DemoStudent:
    name: str
    answers: dict[str, dict[str, str]]  # assignment -> grade_id -> code; missing: blank release
    story: str


def demo_class(course: Path, corpus_dir: Path, assignments: list[str],
               mistake_students=MISTAKE_STUDENTS) -> list[DemoStudent]:
    """The demo students and what each of them handed in (one mistake per assignment each)."""
    reference = {a: notebooks.reference_solutions(notebooks.read(notebooks.notebook_path(course, "source", a)))
                 for a in assignments}
    students = [DemoStudent("ada", reference, "the reference solutions"),
                DemoStudent("ben", {}, "the blank release, handed in untouched")]
    wrong_by_assignment = {a: [ans for ans in corpus.load(corpus_dir, a) if ans.verdict == "wrong"]
                           for a in assignments}
    for i, name in enumerate(mistake_students):
        answers, stories = {}, []
        for a in assignments:
            mistakes = _one_per_exercise(wrong_by_assignment[a])
            if not mistakes:
                answers[a] = reference[a]
                continue
            mistake = mistakes[i % len(mistakes)]
            answers[a] = {**reference[a], mistake.exercise: mistake.code}
            stories.append(f"{a}/{mistake.exercise}: {mistake.why}")
        students.append(DemoStudent(name, answers, "; ".join(stories) or "the reference solutions"))
    return students


def _one_per_exercise(answers: list[corpus.Answer]) -> list[corpus.Answer]:
    seen, picked = set(), []
    for answer in answers:
        if answer.exercise not in seen:
            seen.add(answer.exercise)
            picked.append(answer)
    return picked


def hand_in(course: Path, students: list[DemoStudent], assignments: list[str]):
    for student in students:
        for a in assignments:
            release = notebooks.read(notebooks.notebook_path(course, "release", a))
            nb = notebooks.make_submission(release, student.answers.get(a, {}))
            path = course / "submitted" / student.name / a / f"{a}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(path))


BAD_STUDENT = "zoe"


def hand_in_bad_submission(course: Path, assignments: list[str]) -> str:
    """zoe: a softmax that kills the kernel (graded: it costs softmax only), and a notebook
    that is not valid JSON (reported, not graded)."""
    first, *rest = assignments
    release = notebooks.read(notebooks.notebook_path(course, "release", first))
    reference = notebooks.reference_solutions(notebooks.read(notebooks.notebook_path(course, "source", first)))
    answers = {**reference}
    if "softmax" in answers:
        answers["softmax"] = "import os\n\ndef softmax(x, dim=-1):\n    os._exit(1)  # kills the kernel\n"
    path = course / "submitted" / BAD_STUDENT / first / f"{first}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(notebooks.make_submission(release, answers), str(path))
    story = f"{first}: a softmax that kills the Jupyter kernel"
    if rest:
        broken = course / "submitted" / BAD_STUDENT / rest[0] / f"{rest[0]}.ipynb"
        broken.parent.mkdir(parents=True)
        broken.write_text('{"cells": [ this is not JSON')
        story += f"; {rest[0]}: a notebook that is not valid JSON"
    return story


def prepare_course(repo: Path, course: Path):
    """A fresh scratch course folder holding the repository's config and source notebooks."""
    if course.exists():
        if not (course / ".workbook-demo").exists():
            raise FileExistsError(f"{course} exists and was not made by `workbook demo`; "
                                  "choose another folder with --dir")
        shutil.rmtree(course)
    course.mkdir(parents=True)
    (course / ".workbook-demo").write_text("made by `workbook demo`; deleted and remade by it\n")
    shutil.copy(repo / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(repo / "source", course / "source")


def demo_sandbox_mode() -> tuple[str, str]:
    """The demo's sandbox setting (WORKBOOK_SANDBOX) and a line saying why it is acceptable.

    Unless WORKBOOK_SANDBOX says otherwise, the demo uses the sandbox when bubblewrap works
    and grades without it otherwise, so that `make demo` runs on any machine: its students
    are the course's own synthetic ones, not untrusted code. `workbook grade` refuses that.
    """
    chosen = os.environ.get(ENVIRONMENT_NAMES["sandbox"])
    if chosen:
        return chosen, f"sandbox: {ENVIRONMENT_NAMES['sandbox']}={chosen}"
    if sandbox.bubblewrap_works():
        return "auto", "sandbox: bubblewrap (as for a real class)"
    return "auto", ("sandbox: none. bubblewrap does not work here, so the demo grades WITHOUT it. That is acceptable "
                    "only because the demo's students are the course's own synthetic submissions; `workbook grade` "
                    "refuses to grade a real class that way. To get the sandbox, " + sandbox.INSTALL_HINT)


def run_demo(repo, course_dir, *, log=print) -> int:
    repo, course = Path(repo).resolve(), Path(course_dir).resolve()
    if not (repo / "source").is_dir() or not (repo / "nbgrader_config.py").exists():
        raise FileNotFoundError(f"{repo} is not the course folder (no source/ and nbgrader_config.py); "
                                "run from the repository root or pass --root")
    log(f"demo course folder: {course}")
    prepare_course(repo, course)
    problems = build.build(course, solutions=False, log=log)
    if problems:
        log("leak check FAILED:\n  " + "\n  ".join(problems))
        return 1
    assignments = build.assignments_in(course)
    students = demo_class(course, repo / "tests" / "corpus", assignments)
    hand_in(course, students, assignments)
    bad_story = hand_in_bad_submission(course, assignments)
    log(f"handed in {len(students)} submissions per assignment, and {BAD_STUDENT}'s broken ones; "
        "grading with nbgrader ...")
    mode, why = demo_sandbox_mode()
    log(why)
    options = replace(GradingOptions.from_environment(), sandbox=mode)
    run = grading.grade(course, log=log, options=options)
    table = gradebook.totals(gradebook.configured_url(course))
    log("\nGrades\n" + gradebook.format_table(table, assignments))
    log("\nWho handed in what")
    for student in students:
        log(f"  {student.name:5} {student.story}")
    log(f"  {BAD_STUDENT:5} {bad_story}")
    log("\n" + grading.summary(run) + f"\nfeedback:   {course / 'feedback'}")
    log("\nReport")
    report.report_main(course)
    log("\nAudit (static scan for tampering and forbidden calls)")
    audit.audit_main(course)
    log("\nSimilarity (pairs of students who share code beyond the skeleton and the reference)")
    similarity.similarity_main(course, log=log)
    log(f"\nThe similarity report: {course / 'reports' / 'similarity.html'}")
    log(f"The report: {course / 'reports' / 'report.html'}")
    unexpected = [f for f in run.failed if f[0] != BAD_STUDENT]
    return 1 if unexpected else 0
