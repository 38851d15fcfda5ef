"""What `workbook grade` keeps for people to read (grading-logs/, the summary, the report),
with a stand-in for the grading process: feedback failures in full, repairs, renamed
notebooks, grades made without the sandbox, reasons a person can act on.

The real grading of each case is in test_bad_submissions.py and test_sandbox_required.py.
"""

import queue

import nbformat
import pytest
from conftest import release_notebook

from workbook import grading
from workbook.grading import sandbox
from workbook.grading.contracts import GradeAnswer, GradingOptions, SubmissionOutcome

A = "01_cross_entropy"


class StandIn:
    """Answers like grading.worker.GradeWorker.grade, without nbgrader."""

    def __init__(self, **answer):
        self.answer = GradeAnswer(**{"ok": True, **answer})
        self.asked = []

    def grade(self, student, assignment) -> GradeAnswer:
        self.asked.append((student, assignment))
        return self.answer


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "enabled", lambda options=None: True)
    return tmp_path


def _hand_in(course, student, name=f"{A}.ipynb", nb=None) -> grading.Submission:
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb or release_notebook(A), str(folder / name))
    return grading.Submission(student, A, folder)


def _collect(outcome: SubmissionOutcome, course) -> grading.GradeRun:
    run = grading.GradeRun(logs=course / grading.LOG_FOLDER, sandboxed=True)
    results = queue.SimpleQueue()
    results.put(outcome)
    grading.run._collect([outcome.submission], results, run, progress=False)
    return run


def test_a_failed_feedback_keeps_nbgraders_whole_output_and_the_summary_says_where(course):
    sub = _hand_in(course, "ann")
    traceback = "Traceback (most recent call last):\n" + "  frame\n" * 500 + "RuntimeError: the feedback broke"
    outcome = grading.grade_one(sub, StandIn(feedback=traceback), course, "sqlite://")
    assert outcome.problem is None and outcome.feedback_problem == traceback
    log = course / grading.LOG_FOLDER / f"ann.{A}.feedback.log"
    assert log.read_text() == traceback  # all of it, not the last line
    summary = grading.summary(_collect(outcome, course))
    assert f"ann/{A}: graded, but no feedback: RuntimeError: the feedback broke" in summary
    assert str(log) in summary
    grading.grade_one(sub, StandIn(), course, "sqlite://")  # the next grading writes its feedback
    assert not log.exists()


def test_repairs_reach_the_summary_and_the_report_and_go_when_no_longer_true(course):
    sub = _hand_in(course, "bea")
    note = "cell 9 is a copy of the solution cell `softmax`: it ran as a plain cell"
    outcome = grading.grade_one(sub, StandIn(notes=[note]), course, "sqlite://")
    assert f"  repaired bea/{A}: {note}" in grading.summary(_collect(outcome, course)).splitlines()
    assert ("bea", A, f"repaired before grading: {note}") in grading.grading_notes(course)
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    assert grading.grading_notes(course) == []


@pytest.mark.parametrize("name", [f"{A} (1).ipynb", f"{A}-Copy1.ipynb", f"{A} copy.ipynb", f"{A}(2).ipynb"])
def test_a_renamed_notebook_alone_is_graded_as_the_assignments(course, name):
    sub = _hand_in(course, "cai", name)
    worker = StandIn()
    assert grading.grade_one(sub, worker, course, "sqlite://") == SubmissionOutcome(sub, None, "")
    assert worker.asked == [("cai", A)]
    assert sub.notebook.read_bytes() == (sub.folder / name).read_bytes()
    assert (sub.folder / name).exists()  # the student's file stays
    assert grading.grading_notes(course) == [("cai", A, f"repaired before grading: graded {name} as {A}.ipynb "
                                              "(the notebook was renamed on download or copied)")]


def test_a_renamed_notebook_resubmitted_is_copied_again_and_a_correct_name_wins(course):
    sub = _hand_in(course, "dan", f"{A} (1).ipynb")
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    changed = release_notebook(A)
    changed.cells[0].source += "\n# second try"
    _hand_in(course, "dan", f"{A} (1).ipynb", changed)  # handed in again, renamed again
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    assert "# second try" in sub.notebook.read_text()
    proper = release_notebook(A)
    proper.cells[0].source += "\n# named right"
    _hand_in(course, "dan", f"{A}.ipynb", proper)  # then handed in under the right name
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    assert "# named right" in sub.notebook.read_text()
    assert grading.grading_notes(course) == []


def test_other_notebooks_are_not_taken_for_the_assignment(course):
    sub = _hand_in(course, "eve", "my_work.ipynb")
    _hand_in(course, "eve", f"{A}_v2.ipynb")
    assert grading.renamed_copies(sub) == []
    assert grading.adopt_renamed(sub) is None and not sub.notebook.exists()
    assert "rename it to 01_cross_entropy.ipynb and grade again" in grading.precheck(sub)


def test_grades_made_without_the_sandbox_are_recorded_until_regraded_with_it(course, monkeypatch):
    sub = _hand_in(course, "fay")
    monkeypatch.setattr(sandbox, "enabled", lambda options=None: False)
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    assert grading.unsandboxed_submissions(course) == [("fay", A)]
    assert any("WITHOUT the sandbox" in why for _, _, why in grading.grading_notes(course))
    monkeypatch.setattr(sandbox, "enabled", lambda options=None: True)
    grading.grade_one(sub, StandIn(), course, "sqlite://")
    assert grading.unsandboxed_submissions(course) == []
    unsandboxed_run = grading.GradeRun(sandboxed=False)
    assert "WITHOUT THE SANDBOX" in grading.summary(unsandboxed_run)
    assert "SANDBOX" not in grading.summary(grading.GradeRun(sandboxed=True))


def test_reasons_say_what_to_do_not_see_the_traceback():
    output = ("[ERROR] There was an error processing assignment\n"
              "nbgrader.nbgraderformat.common.ValidationError: Notebook failed to validate; the nbgrader metadata "
              "may be corrupted.\n[ERROR] Please see the above traceback for details\n")
    reason = grading.actionable_reason(output)
    assert reason.startswith("its nbgrader cell metadata is broken beyond the automatic repairs")
    assert "fresh copy of the released notebook" in reason and "Please see" not in reason


def test_the_unsandboxed_record_follows_the_options_the_run_was_given_not_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_SANDBOX", "require")  # what `workbook grade --sandbox off` no longer changes
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: True)
    sub = _hand_in(tmp_path, "gus")
    grading.grade_one(sub, StandIn(), tmp_path, "sqlite://", options=GradingOptions(sandbox="off"))
    assert grading.unsandboxed_submissions(tmp_path) == [("gus", A)]
    grading.grade_one(sub, StandIn(), tmp_path, "sqlite://", options=GradingOptions(sandbox="require"))
    assert grading.unsandboxed_submissions(tmp_path) == []


def test_a_failed_answer_is_kept_and_a_dead_process_is_retried(course, monkeypatch):
    monkeypatch.setattr(grading.run.time, "sleep", lambda _: None)
    sub = _hand_in(course, "hal")
    worker = StandIn(ok=False, error="the grading process died (exit code -9)", died=True)
    outcome = grading.grade_one(sub, worker, course, "sqlite://")
    assert len(worker.asked) == grading.run.RETRIES + 1  # a death may be transient
    assert not outcome.graded and "died" in outcome.problem
    assert "died" in (course / grading.LOG_FOLDER / f"hal.{A}.log").read_text()
