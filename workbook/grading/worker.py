"""A grading process that imports nbgrader once and grades submissions one after another.

`workbook grade` used to start ``nbgrader autograde`` and ``nbgrader generate_feedback`` as
two new processes per submission; importing nbgrader, nbconvert and SQLAlchemy each time
cost about as much as running the notebook. A worker pays that once and then drives
nbgrader through its own Python API (``NbGraderAPI``, what the formgrader calls), with the
same configuration the command line would load. Student code still runs in a fresh,
sandboxed kernel per notebook; only nbgrader's own process is reused.

No submission can stall the class: the parent gives each submission a deadline
(``submission_deadline``: the cell timeout times the notebook's code cells, plus a margin for
starting kernels and writing feedback); a worker that has not answered by then, stuck
anywhere (in a cell that ignores interrupts, in nbgrader, reading a file), is killed with its
kernels, the submission is reported as not graded, and the next one gets a new worker.

Protocol (one JSON object per line, contracts.py): the worker says it is ready, then for each
``GradeRequest`` the parent writes to stdin it answers a ``GradeAnswer`` on the stdout it was
started with. Everything else the process prints goes to stderr.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from workbook.course.cell_repair import LOG_MARK

from . import intake, nbgrader_bridge
from .contracts import GradeAnswer, GradeRequest, is_ready_line, ready_line

FAILED_MARKER = "There was an error processing"  # nbgrader's words when a notebook was not graded
DEADLINE_MARGIN_S = 300  # beyond the cells' own time: kernel starts (a few per notebook at worst), nbgrader, feedback
NO_CELL_TIMEOUT_DEADLINE_S = 3600  # where cells have no timeout (c.Execute.timeout = 0 or None)
NBGRADER_CELL_TIMEOUT_S = 30  # nbgrader's Execute.timeout default


def submission_deadline(root, student: str, assignment: str, cell_timeout: int | None = None) -> tuple[float, str]:
    """Seconds grading one submission may take, and how that was worked out (for the reason).

    The cell timeout (``cell_timeout``, else nbgrader_config.py's ``c.Execute.timeout``) times
    the code cells nbgrader will run, plus ``DEADLINE_MARGIN_S``. The cells are the submitted
    notebook's (students add cells), but at most twice the released notebook's, so that a
    notebook of a thousand sleeping cells cannot hold a grading process for hours.
    """
    root = Path(root)
    if cell_timeout is None:
        cell_timeout = nbgrader_bridge.course_config(root).get("Execute", {}).get("timeout", NBGRADER_CELL_TIMEOUT_S)
    if not cell_timeout or cell_timeout < 0:
        return float(NO_CELL_TIMEOUT_DEADLINE_S), "cells have no timeout"
    limit = intake.max_file_bytes(root)
    released = _code_cells(root / "release" / assignment / f"{assignment}.ipynb", limit)
    submitted = _code_cells(root / "submitted" / student / assignment / f"{assignment}.ipynb", limit)
    cells = max(submitted or 0, released or 0, 1)
    if released:
        cells = min(cells, 2 * released)
    return (float(cell_timeout * cells + DEADLINE_MARGIN_S),
            f"{cell_timeout} s per cell x {cells} code cells + {DEADLINE_MARGIN_S} s")


def _code_cells(path: Path, limit: int) -> int | None:
    try:
        nb = intake.read_notebook(path, limit)
    except Exception:  # missing, refused or broken: the other count (or the margin) decides
        return None
    return sum(cell.get("cell_type") == "code" for cell in nb.cells)


def _protocol_stream():
    """The real stdout, kept for answers; fd 1 becomes stderr so stray prints cannot corrupt them."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return answers


def make_api(argv: list[str]):
    """nbgrader's API configured exactly as ``nbgrader <command> <argv>`` would be (cwd = course)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.nbgraderapp import NbGraderApp

    app = NbGraderApp()
    app.initialize(argv)
    return NbGraderAPI(app.coursedir, parent=app)


def grade(api, student: str, assignment: str) -> GradeAnswer:
    """Autograde one submission, then write its feedback."""
    started = time.monotonic()
    result = api.autograde(assignment, student, force=True, create=True)
    graded = time.monotonic()
    log = result.get("log", "")
    ok = bool(result["success"]) and FAILED_MARKER not in log
    notes = [line.split(LOG_MARK, 1)[1].strip() for line in log.splitlines() if LOG_MARK in line]
    feedback_problem = ""
    if ok:
        feedback = api.generate_feedback(assignment, student, force=True)
        if not feedback["success"]:  # all of it: the parent keeps it in grading-logs/
            feedback_problem = "\n".join(part for part in (feedback.get("log"), feedback.get("error")) if part) \
                or "feedback failed, and nbgrader said nothing"
    answer = GradeAnswer(ok=ok, log=log, error=result.get("error", "") or "", feedback=feedback_problem, notes=notes)
    outcome = "FAILED" if not answer.ok else "graded, FEEDBACK FAILED" if answer.feedback else "ok"
    print(f"{student}/{assignment}: autograde {graded - started:.2f} s, feedback {time.monotonic() - graded:.2f} s, "
          f"{outcome}", file=sys.stderr, flush=True)
    return answer


def main(argv: list[str]):
    from .limits import die_with_parent  # here: `python -m workbook.grading.limits` must not find it imported

    die_with_parent()  # a killed `workbook grade` leaves no grading process, and so no kernel, behind
    answers = _protocol_stream()
    api = make_api(argv)
    answers.write(ready_line() + "\n")
    for line in sys.stdin:
        request = GradeRequest.from_json(line)
        try:
            answer = grade(api, request.student, request.assignment)
        except Exception as error:  # anything nbgrader did not catch itself: report, keep serving
            import traceback

            answer = GradeAnswer(ok=False, error=traceback.format_exc())
            print(f"worker error on {request}: {error}", file=sys.stderr)
        answers.write(answer.to_json() + "\n")


class GradeWorker:
    """The parent's handle on one worker process (started lazily, restarted after a death)."""

    def __init__(self, root: Path, argv: list[str], env: dict[str, str], log_path: Path,
                 max_seconds: float | None = None, recycle_after: int = 100, cell_timeout: int | None = None):
        """``max_seconds``: every submission's deadline (None: ``submission_deadline``'s, per
        submission); ``cell_timeout``: the one the process was started with (None: the config's)."""
        self.root, self.argv, self.env, self.log_path = root, argv, env, log_path
        self.max_seconds, self.recycle_after, self.cell_timeout = max_seconds, recycle_after, cell_timeout
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None  # the last process started (its group holds its kernels)
        self.graded = 0
        self.timed_out = False
        self.stopped = False
        self.started = False

    def _start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a" if self.started else "w") as log:  # a run's first start begins it anew
            self.proc = subprocess.Popen([sys.executable, "-m", "workbook.grading.worker", *self.argv],
                                         cwd=self.root, env=self.env, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
                                         start_new_session=True)  # its kernels die with it: see kill()
        self.graded, self.pid, self.started = 0, self.proc.pid, True
        if not is_ready_line(self._read(timeout=300)):
            raise RuntimeError(f"the grading process did not start: see {self.log_path}")

    def _read(self, timeout: float) -> str | None:
        """The worker's next line; None when it died or went past ``timeout`` (then it is killed)."""
        proc, expired = self.proc, threading.Event()

        def stop():
            expired.set()
            self.kill(proc)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            line = proc.stdout.readline()
        finally:
            timer.cancel()
        self.timed_out = expired.is_set()
        return line or None

    def grade(self, student: str, assignment: str) -> GradeAnswer:
        if self.stopped:
            raise RuntimeError("grading was interrupted")
        if self.proc is None or self.proc.poll() is not None or self.graded >= self.recycle_after:
            self.close()
            self._start()
        if self.max_seconds is not None:
            deadline, how = self.max_seconds, "set by --deadline"
        else:
            deadline, how = submission_deadline(self.root, student, assignment, self.cell_timeout)
        self.proc.stdin.write(GradeRequest(student, assignment).to_json() + "\n")
        self.proc.stdin.flush()
        line = self._read(deadline)
        if line is None:
            code = self.proc.wait()
            self.kill(self.proc)
            self.proc = None
            why = (f"grading took longer than {deadline:.0f} s and was stopped (the deadline per submission: "
                   f"{how}); its grading process and kernels were killed, and the next submission got a new one"
                   if self.timed_out else f"the grading process died (exit code {code})")
            return GradeAnswer(ok=False, error=f"{why}; see {self.log_path}",
                               died=not self.timed_out)  # a death may be transient; a timeout would recur
        self.graded += 1
        return GradeAnswer.from_json(line)

    @staticmethod
    def kill(proc: subprocess.Popen):
        """Kill the worker and everything it started (its kernels), its whole process group."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self):
        """Kill the worker and its kernels at once, for good (the run was interrupted)."""
        self.stopped = True
        proc = self.proc
        if proc is not None:
            self.kill(proc)

    def close(self, wait: float = 30):
        """Let the worker finish and exit; kill it (and its kernels) after ``wait`` seconds."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.stdin.close()
                try:
                    self.proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    pass
            self.kill(self.proc)
            self.proc.wait()
        self.proc = None


if __name__ == "__main__":
    main(sys.argv[1:])
