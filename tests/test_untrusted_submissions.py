"""Submitted files are untrusted input, and no submission can stall the class (issue 20, items 3-4).

One class of 01_cross_entropy, graded by `workbook grade --jobs 2` in real sandboxed kernels:
correct submissions (odd student ids among them) beside each hostile file (links to the
solutions, to a classmate, a linked assignment folder, a linked student folder, FIFOs, a
notebook over the size limit). The whole run has a timeout: a FIFO that blocked anything
would fail the test rather than hang it. Then the audit and the report over the same class,
a real stall past the per-submission deadline, and unit tests of grading/intake.py on real
files of every kind, in every place of a submission's path.
"""

import csv
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, source_notebook

from workbook import grading
from workbook.audit import audit
from workbook.authoring import build, notebooks
from workbook.cli import parser
from workbook.course import folders
from workbook.grading import gradebook, intake, sandbox, worker
from workbook.report.collect import collect

A = "01_cross_entropy"
NOTEBOOK = f"{A}.ipynb"
LIMIT_KB = 1000  # the test course's c.CourseDirectory.max_file_size: 1 MB
CORRECT = ["josé", "ann lee", "-rf", "o'brien"]  # odd ids, all correct: each must keep 30/30
# student -> the file the reason must name (relative to the course)
HOSTILE = {
    "links-to-source": f"submitted/links-to-source/{A}/{NOTEBOOK}",
    "links-to-classmate": f"submitted/links-to-classmate/{A}/{NOTEBOOK}",
    "links-folder-to-source": f"submitted/links-folder-to-source/{A}",
    "linked-student": "submitted/linked-student",
    "fifo-notebook": f"submitted/fifo-notebook/{A}/{NOTEBOOK}",
    "fifo-extra-file": f"submitted/fifo-extra-file/{A}/data.csv",
    "too-big": f"submitted/too-big/{A}/{NOTEBOOK}",
}
WHY = {
    "links-to-source": "is a symbolic link", "links-to-classmate": "is a symbolic link",
    "links-folder-to-source": "is a symbolic link", "linked-student": "is a symbolic link",
    "fifo-notebook": "is a FIFO", "fifo-extra-file": "is a FIFO", "too-big": "is 1.2 MB, over the 1 MB limit",
}


def _write(nb, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _hand_in_class(course: Path):
    ref = notebooks.reference_solutions(source_notebook(A))
    release = notebooks.read(notebooks.notebook_path(course, "release", A))
    correct = notebooks.make_submission(release, ref)
    submitted = course / "submitted"
    for student in CORRECT:
        _write(correct, submitted / student / A / NOTEBOOK)
    folder = submitted / "links-to-source" / A
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).symlink_to(course / "source" / A / NOTEBOOK)  # the solutions and hidden tests
    folder = submitted / "links-to-classmate" / A
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).symlink_to(Path("..", "..", "o'brien", A, NOTEBOOK))
    (submitted / "links-folder-to-source").mkdir()
    (submitted / "links-folder-to-source" / A).symlink_to(course / "source" / A, target_is_directory=True)
    (submitted / "linked-student").symlink_to("josé", target_is_directory=True)
    folder = submitted / "fifo-notebook" / A
    folder.mkdir(parents=True)
    os.mkfifo(folder / NOTEBOOK)
    _write(correct, submitted / "fifo-extra-file" / A / NOTEBOOK)
    os.mkfifo(submitted / "fifo-extra-file" / A / "data.csv")
    big = notebooks.make_submission(release, ref)
    big.cells.append(nbformat.v4.new_markdown_cell("x" * 1_200_000))
    _write(big, submitted / "too-big" / A / NOTEBOOK)


def _config_with_limit(course: Path):
    config = (ROOT / "nbgrader_config.py").read_text()
    config += f"\nc.CourseDirectory.max_file_size = {LIMIT_KB}  # the test's: 1 MB\n"
    (course / "nbgrader_config.py").write_text(config)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    assert sandbox.bubblewrap_works(), "bubblewrap is needed for these tests: apt-get install bubblewrap"
    course = tmp_path_factory.mktemp("untrusted")
    (course / "source").mkdir()
    _config_with_limit(course)
    shutil.copytree(ROOT / "source" / A, course / "source" / A)
    assert build.build(course, solutions=False, log=lambda *_: None) == []
    _hand_in_class(course)
    return course


def _environment(**more) -> dict[str, str]:
    return {**os.environ, "WORKBOOK_SANDBOX": "require", "WORKBOOK_MEMORY_LIMIT": str(2 * 2**30), **more}


@pytest.fixture(scope="module")
def graded(course):
    """`workbook grade` over the whole class, as an instructor runs it; a hang fails the test."""
    proc = subprocess.run([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900,  # the course's cell timeout: no cell here hangs
                          env=_environment(), cwd=course)
    return course, proc, gradebook.totals(gradebook.configured_url(course))


def test_grading_finishes_with_exit_code_1_and_the_correct_ones_get_full_marks(graded):
    _, proc, scores = graded
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for student in CORRECT:
        assert scores[student][A] == (30.0, 30.0), (student, proc.stdout)


@pytest.mark.parametrize("student", sorted(HOSTILE))
def test_each_hostile_submission_gets_no_points_and_a_reason_naming_the_file(graded, student):
    course, proc, scores = graded
    assert A not in scores.get(student, {})  # no grade: 0 points
    line = next(line for line in proc.stdout.splitlines() if line.startswith(f"  could not grade {student}/{A}: "))
    assert f"{HOSTILE[student]} {WHY[student]}" in line, line
    log = (course / grading.LOG_FOLDER / f"{student}.{A}.log").read_text()
    assert HOSTILE[student] in log and "not given to nbgrader" in log
    assert not (course / "autograded" / student).exists() and not (course / "feedback" / student).exists()
    with open(course / "grades.csv", newline="") as grades:
        rows = [row for row in csv.DictReader(grades) if row["student_id"] == student and row["assignment"] == A]
    assert len(rows) == 1 and float(rows[0]["score"]) == 0, rows  # in the grades CSV: 0 points


def test_links_are_never_followed_into_the_solutions(graded):
    course, proc, _ = graded
    assert "links-to-source" not in proc.stdout.split("could not grade")[0]  # not in the grade table
    for student in ("links-to-source", "links-folder-to-source", "linked-student"):
        assert not (course / "autograded" / student).exists()
    assert (course / "source" / A / NOTEBOOK).is_file() and not (course / "source" / A / NOTEBOOK).is_symlink()


def test_the_report_lists_every_refusal_as_needing_a_look(graded):
    course, _, _ = graded
    look = collect(course).look
    for student, named in HOSTILE.items():
        assignment = "*" if student == "linked-student" else A
        said = [why for s, a, why in look if (s, a) == (student, assignment)]
        assert len(said) == 1 and said[0].startswith("not graded: refused") and named in said[0], said
    assert not {s for s, _, _ in look} & set(CORRECT), look


def test_the_audit_finishes_flags_the_refusals_and_reads_none_of_them(graded):
    course, _, _ = graded
    proc = subprocess.run([sys.executable, "-m", "workbook.cli", "audit", "--root", str(course)],
                          capture_output=True, text=True, timeout=300, cwd=course)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings, scanned = audit(course)
    by_student = {}
    for finding in findings:
        by_student.setdefault(finding.student, []).append(finding)
    for student, named in HOSTILE.items():
        assert [(f.cell, named in f.reason) for f in by_student[student]] == [("submission", True)]  # nothing scanned
        assert named in proc.stdout
    assert scanned == len(CORRECT)


def _pgid_alive(pgid: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                alive.append(int(entry.name))
    return alive


STALL = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # nbgrader's interrupt at the cell timeout does nothing
time.sleep(3600)
"""


def test_a_submission_stalled_past_its_deadline_is_killed_and_grading_goes_on(graded):
    course, _, _ = graded
    url = gradebook.configured_url(course)
    ref = notebooks.reference_solutions(source_notebook(A))
    release = notebooks.read(notebooks.notebook_path(course, "release", A))
    _write(notebooks.make_submission(release, {**ref, "softmax": STALL + ref["softmax"]}),
           course / "submitted" / "stalls" / A / NOTEBOOK)
    gradebook.add_students(url, {"stalls"})
    stalls = grading.Submission("stalls", A, course / "submitted" / "stalls" / A)
    after = grading.Submission("o'brien", A, course / "submitted" / "o'brien" / A)
    # The cell timeout (600 s) is far past the deadline (8 s): only the deadline can end this.
    process = grading.start_worker(course, url, 600, "test-deadline", deadline=8)
    try:
        started = time.monotonic()
        problem = grading.grade_one(stalls, process, course, url).problem
        took = time.monotonic() - started
        stalled_pid = process.pid
        assert _pgid_alive(stalled_pid) == []  # the grading process and its sandboxed kernel are gone
        process.max_seconds = None  # the next submission: the default deadline
        assert grading.grade_one(after, process, course, url).problem is None
        assert process.pid != stalled_pid  # a new grading process
    finally:
        process.close()
    assert problem.startswith("grading took longer than 8 s and was stopped (the deadline per submission: "
                              "set by --deadline)"), problem
    assert took < 8 + 90, took  # killed at the deadline, not after the cell timeout
    assert "stalls" not in gradebook.totals(url) or A not in gradebook.totals(url)["stalls"]
    assert "longer than 8 s" in (course / grading.LOG_FOLDER / f"stalls.{A}.log").read_text()
    assert gradebook.totals(url)["o'brien"][A] == (30.0, 30.0)


def test_a_regrade_refused_at_intake_removes_the_old_grade(graded):
    course, _, _ = graded
    url = gradebook.configured_url(course)
    assert gradebook.totals(url)["-rf"][A] == (30.0, 30.0)
    folder = course / "submitted" / "-rf" / A
    (folder / NOTEBOOK).unlink()
    (folder / NOTEBOOK).symlink_to(course / "source" / A / NOTEBOOK)

    class NeverAsked:
        def grade(self, student, assignment):
            raise AssertionError("a refused submission reached nbgrader")

    outcome = grading.grade_one(grading.Submission("-rf", A, folder), NeverAsked(), course, url)
    assert "submitted/-rf/01_cross_entropy/01_cross_entropy.ipynb is a symbolic link" in outcome.problem
    assert A not in gradebook.totals(url).get("-rf", {})
    assert not (course / "autograded" / "-rf" / A).exists() and not (course / "feedback" / "-rf" / A).exists()


# --- grading/intake.py on real files, without nbgrader ---------------------------------------

LIMIT = 1000


@pytest.fixture
def submitted(tmp_path) -> Path:
    folder = tmp_path / "submitted" / "ann" / A
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(json.dumps(nbformat.v4.new_notebook()))
    return folder


def _one_problem(folder) -> str:
    found = intake.problems(folder, LIMIT)
    assert len(found) == 1, found
    return found[0]


def test_a_plain_submission_with_files_and_folders_is_accepted(submitted):
    (submitted / "data").mkdir()
    (submitted / "data" / "notes.txt").write_text("x" * LIMIT)  # at the limit is fine
    assert intake.problems(submitted, LIMIT) == []
    assert intake.check(submitted, LIMIT) is None
    assert intake.read_notebook(submitted / NOTEBOOK, LIMIT).cells == []


@pytest.mark.parametrize("where", [NOTEBOOK, "extra.py", "sub/inner.txt"])
def test_a_link_anywhere_inside_is_refused_naming_it(submitted, tmp_path, where):
    secret = tmp_path / "secret"
    secret.write_text("the solutions")
    path = submitted / where
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(secret)
    assert _one_problem(submitted) == (f"submitted/ann/{A}/{where} is a symbolic link (to {secret}), never "
                                       "followed: hand in the file itself")
    assert intake.check(submitted, LIMIT).startswith("refused, nothing in it was read: submitted/ann/")


def test_a_linked_inner_folder_is_refused_and_not_walked(submitted, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.mkfifo(outside / "pipe")  # walking the link would report this (or worse, open it)
    (submitted / "sub").symlink_to(outside, target_is_directory=True)
    assert _one_problem(submitted).startswith(f"submitted/ann/{A}/sub is a symbolic link (to {outside})")


def test_a_linked_assignment_or_student_folder_is_refused(tmp_path, submitted):
    (tmp_path / "submitted" / "bob").mkdir()
    (tmp_path / "submitted" / "bob" / A).symlink_to(submitted, target_is_directory=True)
    (tmp_path / "submitted" / "eve").symlink_to("ann", target_is_directory=True)
    assert _one_problem(tmp_path / "submitted" / "bob" / A).startswith(f"submitted/bob/{A} is a symbolic link (to ")
    assert _one_problem(tmp_path / "submitted" / "eve" / A).startswith("submitted/eve is a symbolic link (to ann)")
    assert [(h.student, h.assignment) for h in folders.submissions(tmp_path)] == [("ann", A)]  # links not walked
    assert [(link.student, link.assignment) for link in folders.links(tmp_path)] == [("bob", A), ("eve", None)]
    assert [(r.student, r.assignment) for r in intake.survey(tmp_path, LIMIT)] == [("bob", A), ("eve", "*")]
    # grading gets each link as a submission to refuse: the linked student once per assignment of the class
    assert [(s.student, s.assignment) for s in grading.find_submissions(tmp_path)] == [("ann", A), ("bob", A), ("eve", A)]


def test_submitted_itself_may_be_a_link(tmp_path, submitted):
    moved = tmp_path / "bigger-disk"
    (tmp_path / "submitted").rename(moved)
    (tmp_path / "submitted").symlink_to(moved, target_is_directory=True)
    assert intake.problems(tmp_path / "submitted" / "ann" / A, LIMIT) == []
    assert intake.survey(tmp_path, LIMIT) == []


def _make_socket(path: Path):
    server = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(path.parent)  # a socket's path is limited to 108 bytes: bind the short name
    try:
        server.bind(path.name)
    finally:
        os.chdir(cwd)
    server.close()


@pytest.mark.parametrize("kind, said", [("fifo", "a FIFO (named pipe)"), ("socket", "a socket"),
                                        ("device", "a character device")])
@pytest.mark.parametrize("where", [NOTEBOOK, "data.csv", "sub/inner.bin"])
def test_anything_not_a_regular_file_is_refused_and_never_opened(submitted, kind, said, where):
    path = submitted / where
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        _make_socket(path)
    else:
        assert os.geteuid() == 0, "making a device node needs root (CI runs as root)"
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    assert _one_problem(submitted) == f"submitted/ann/{A}/{where} is {said}, not a regular file: it is never opened"
    if where == NOTEBOOK:
        with pytest.raises(intake.Untrusted, match=re.escape(f"{NOTEBOOK} is {said}")):
            intake.read_bytes(path, LIMIT)  # returns at once: O_NONBLOCK, and nothing is read


def test_reading_a_fifo_never_blocks_even_with_a_writer_waiting(submitted):
    fifo = submitted / "pipe.ipynb"
    os.mkfifo(fifo)
    done = threading.Event()
    threading.Thread(target=lambda: (pytest.raises(intake.Untrusted, intake.read_bytes, fifo, LIMIT), done.set()),
                     daemon=True).start()
    assert done.wait(10), "read_bytes blocked on a FIFO"


@pytest.mark.parametrize("where", [NOTEBOOK, "weights.bin", "sub/big.txt"])
def test_a_file_over_the_limit_is_refused_with_its_size(submitted, where):
    path = submitted / where
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x" * 2500)
    assert _one_problem(submitted) == (f"submitted/ann/{A}/{where} is 2.5 kB, over the 1 kB limit "
                                       "(c.CourseDirectory.max_file_size in nbgrader_config.py)")
    with pytest.raises(intake.Untrusted, match="2.5 kB, over the 1 kB limit"):
        intake.read_bytes(path, LIMIT)


def test_a_link_as_the_file_to_read_is_refused(submitted, tmp_path):
    (tmp_path / "secret").write_text("x")
    (submitted / "other.ipynb").symlink_to(tmp_path / "secret")
    with pytest.raises(intake.Untrusted, match="other.ipynb is a symbolic link"):
        intake.read_bytes(submitted / "other.ipynb", LIMIT)


def test_too_deep_or_too_many_entries_is_refused(submitted, monkeypatch):
    deep = submitted
    for _ in range(intake.MAX_DEPTH + 1):
        deep = deep / "d"
    deep.mkdir(parents=True)
    assert "folders deep" in _one_problem(submitted)
    shutil.rmtree(submitted / "d")
    monkeypatch.setattr(intake, "MAX_ENTRIES", 5)  # the real cap is 10,000; the rule is the same
    (submitted / "sub").mkdir()
    for number in range(6):
        (submitted / "sub" / f"f{number}").write_text("")  # past the cap inside a folder: said once
    assert _one_problem(submitted) == f"submitted/ann/{A} holds more than 5 files and folders"


def test_several_problems_are_named_in_one_line(submitted):
    for number in range(5):
        os.mkfifo(submitted / f"p{number}")
    why = intake.check(submitted, LIMIT)
    assert "\n" not in why and why.count("is a FIFO") == 3 and why.endswith("; and 2 more")


def test_the_default_limit_is_100_megabytes_as_nbgraders_exchange(tmp_path):
    assert intake.max_file_bytes(tmp_path) == 100_000_000  # no nbgrader_config.py: nbgrader's default
    assert intake.max_file_bytes(ROOT) == 100_000_000      # the course's own config
    from nbgrader.coursedir import CourseDirectory

    assert CourseDirectory().max_file_size * 1000 == intake.max_file_bytes(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.max_file_size = 1000\n")
    assert intake.max_file_bytes(tmp_path) == 1_000_000
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.max_file_size = '1 MB'\n")
    with pytest.raises(RuntimeError, match="must be a positive whole number of kilobytes"):
        intake.max_file_bytes(tmp_path)


def test_the_default_deadline_is_the_cell_timeout_times_the_cells_plus_a_margin(tmp_path):
    release = tmp_path / "release" / A / NOTEBOOK
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1") for _ in range(10)]
                                  + [nbformat.v4.new_markdown_cell("text")])
    _write(nb, release)
    margin = worker.DEADLINE_MARGIN_S
    assert worker.submission_deadline(tmp_path, "ann", A, 30) == (30 * 10 + margin, f"30 s per cell x 10 code cells + {margin} s")
    nb.cells += [nbformat.v4.new_code_cell("2") for _ in range(5)]  # the student added cells: they run too
    _write(nb, tmp_path / "submitted" / "ann" / A / NOTEBOOK)
    assert worker.submission_deadline(tmp_path, "ann", A, 30)[0] == 30 * 15 + margin
    nb.cells += [nbformat.v4.new_code_cell("3") for _ in range(1000)]  # but no more than twice the assignment's
    _write(nb, tmp_path / "submitted" / "ann" / A / NOTEBOOK)
    assert worker.submission_deadline(tmp_path, "ann", A, 30)[0] == 30 * 20 + margin
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = 7\n")
    assert worker.submission_deadline(tmp_path, "bob", A)[0] == 7 * 10 + margin  # the config's cell timeout
    assert worker.submission_deadline(tmp_path, "bob", A, 0)[0] == worker.NO_CELL_TIMEOUT_DEADLINE_S


def test_workbook_grade_takes_a_deadline():
    assert parser().parse_args(["grade", "--deadline", "90"]).deadline == 90.0
    assert parser().parse_args(["grade"]).deadline is None


def test_a_refused_submission_is_never_handed_to_the_grading_process(submitted, tmp_path):
    os.mkfifo(submitted / "data.csv")
    for folder in ("autograded", "feedback"):
        (tmp_path / folder / "ann" / A).mkdir(parents=True)  # an old grade's files

    class NeverAsked:
        def grade(self, student, assignment):
            raise AssertionError("a refused submission reached nbgrader")

    sub = grading.Submission("ann", A, submitted)
    outcome = grading.grade_one(sub, NeverAsked(), tmp_path, "sqlite://")
    assert outcome.problem == (f"refused, nothing in it was read: submitted/ann/{A}/data.csv is a FIFO (named pipe), "
                               "not a regular file: it is never opened")
    assert not (tmp_path / "autograded" / "ann" / A).exists() and not (tmp_path / "feedback" / "ann" / A).exists()
    assert outcome.problem in (tmp_path / grading.LOG_FOLDER / f"ann.{A}.log").read_text()
