"""`workbook grade`: autograde every submission, in parallel, and never lose a grade.

nbgrader does the grading. This module decides what to grade and how: --jobs long-lived
grading processes (worker.py) side by side, a fresh kernel per submission, so that
submissions grade in parallel and a crash stays contained;
submitted files treated as untrusted input (intake.py: no link followed, no FIFO opened,
no file over the size limit read) and each submission checked before nbgrader sees it (not
JSON, missing notebook) so the message is clear; a deadline per submission, past which its
grading process is killed and replaced (worker.py); transient failures (a locked SQLite
gradebook, a kernel that did not start) retried rather than charged to the student; a
failed regrade removing the old grade instead of leaving it standing as if current; then
feedback and a grades CSV.
"""

import hashlib
import json
import os
import queue
import re
import shutil
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from workbook.course import folders

from . import gradebook, intake, sandbox
from . import nbgrader_bridge
from .contracts import GradingOptions, Submission, SubmissionOutcome
from .worker import GradeWorker

TRANSIENT = ("database is locked", "Address already in use", "Kernel died before replying",
             "Kernel didn't respond", "Timeout waiting for kernel",
             # a concurrent writer added the same row first (SQLite's and PostgreSQL's words)
             "UNIQUE constraint failed", "duplicate key value violates unique constraint")
RETRIES = 2
LOG_FOLDER = "grading-logs"  # nbgrader's full output for each failure, and each worker's log
UNSANDBOXED_FOLDER = "unsandboxed"  # in LOG_FOLDER: one file per submission graded with --sandbox off


@dataclass
class GradeRun:
    graded: list[tuple[str, str]] = field(default_factory=list)            # (student, assignment)
    failed: list[tuple[str, str, str]] = field(default_factory=list)       # (student, assignment, reason)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sandboxed: bool = False
    notes: list[str] = field(default_factory=list)  # what was repaired or renamed before grading
    grades_csv: Path | None = None
    logs: Path | None = None  # where nbgrader's full output for each failure is kept

    @property
    def ok(self) -> bool:
        return not self.failed


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"K/N"`` -> (K, N) with 1 <= K <= N; None for no sharding."""
    if not text:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like K/N (for example 1/3), not {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return k, n


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether ``student`` belongs to shard K of N: a stable hash of the id, whatever the class list."""
    if shard is None:
        return True
    k, n = shard
    return zlib.crc32(student.encode()) % n == k - 1


def find_submissions(root, shard=None, assignments=None) -> list[Submission]:
    """``submitted/<student>/<assignment>/`` folders, sorted, restricted to the shard.

    Links are included, never walked, so that grading refuses them with a reason (and removes
    any old grade): a linked assignment folder as itself, a linked student folder once for
    each assignment of the class (those handed in by others, and those in ``release/``).
    """
    root = Path(root)
    subs = [Submission(h.student, h.assignment, h.folder) for h in folders.submissions(root)]
    links = folders.links(root)
    known = {s.assignment for s in subs} | _released(root)  # not a linked folder's name: the student chose it
    for link in links:
        for assignment in [link.assignment] if link.assignment else sorted(known):
            subs.append(Submission(link.student, assignment, link.path / assignment if link.assignment is None
                                   else link.path))
    return sorted((s for s in subs if in_shard(s.student, shard) and (assignments is None or s.assignment in assignments)),
                  key=lambda s: (s.student, s.assignment))


def _released(root: Path) -> set[str]:
    release = root / "release"
    return {p.name for p in release.iterdir() if p.is_dir()} if release.is_dir() else set()


def through_link(sub: Submission) -> bool:
    """Whether the submission's folder or its student folder is a symbolic link (refused at intake)."""
    return sub.folder.is_symlink() or sub.folder.parent.is_symlink()


def renamed_copies(sub: Submission) -> list[Path]:
    """Notebooks named as a browser or Jupyter renames a download or a copy of the assignment's:
    ``01_cross_entropy (1).ipynb``, ``01_cross_entropy-Copy1.ipynb``, ``01_cross_entropy copy.ipynb``."""
    pattern = re.compile(rf"{re.escape(sub.assignment)}(?:[ _-]*\(\d+\)|[ _-]*copy[ _-]?\d*)+\.ipynb", re.IGNORECASE)
    return sorted(p for p in sub.folder.glob("*.ipynb") if pattern.fullmatch(p.name))


def _sha256(path: Path, limit: int) -> str:
    return hashlib.sha256(intake.read_bytes(path, limit)).hexdigest()


def _default_limit(limit: int | None) -> int:
    return intake.DEFAULT_MAX_FILE_KB * 1000 if limit is None else limit


def adopt_renamed(sub: Submission, limit: int | None = None) -> str | None:
    """Grade a renamed notebook, alone in the folder, as the assignment's: copy it to the right
    name (the student's file stays) and say so; None when there is nothing to adopt.

    A marker records the copy, so that a regrade copies a resubmitted renamed file again, and a
    correctly named notebook handed in later (which replaces the copy) wins. Files are read
    as intake.py reads them (``limit``: the largest file accepted, in bytes).
    """
    limit = _default_limit(limit)
    marker = sub.folder / f".{sub.notebook.name}.renamed-from"
    if sub.notebook.exists():
        if not marker.exists():
            return None
        record = json.loads(intake.read_bytes(marker, limit))
        origin = sub.folder / record["from"]
        if _sha256(sub.notebook, limit) != record["sha256"] or not origin.exists():
            marker.unlink()  # the notebook is no longer our copy of the renamed one
            return None
        candidates = [origin]
    else:
        candidates = renamed_copies(sub)
        if len(candidates) != 1:
            return None
    sub.notebook.write_bytes(intake.read_bytes(candidates[0], limit))
    marker.write_text(json.dumps({"from": candidates[0].name, "sha256": _sha256(sub.notebook, limit)}))
    return f"graded {candidates[0].name} as {sub.notebook.name} (the notebook was renamed on download or copied)"


def precheck(sub: Submission, limit: int | None = None) -> str | None:
    """Why nbgrader cannot grade ``sub`` at all, in words for the instructor; None if it can.
    (What intake.py refuses is refused before this runs; the notebook is read as it reads it.)"""
    if not sub.notebook.exists():
        renamed = renamed_copies(sub)
        others = sorted(p.name for p in sub.folder.glob("*.ipynb"))
        if len(renamed) > 1:
            return (f"missing notebook {sub.notebook.name}; {' and '.join(p.name for p in renamed)} could each be it, "
                    f"so none was graded: rename the one to grade to {sub.notebook.name} and grade again")
        if others:
            return (f"missing notebook {sub.notebook.name} (found {', '.join(others)}: if one is this assignment's "
                    f"notebook, rename it to {sub.notebook.name} and grade again)")
        return f"missing notebook {sub.notebook.name} (the folder has no notebook)"
    try:
        intake.read_notebook(sub.notebook, _default_limit(limit))
    except Exception as error:  # nbformat raises several types for broken files
        return f"{sub.notebook.name} is not a valid notebook ({type(error).__name__}: {str(error)[:200]})"
    return None


def _nbgrader(args, root: Path, db_url: str, options: GradingOptions | None = None):
    hide_course = replace(GradingOptions.given_or_environment(options), hidden=(str(root),))
    return nbgrader_bridge.run([*args, f"--CourseDirectory.db_url={db_url}"], root, check=False,
                               env=hide_course.to_environment())


def kernel_threads(jobs: int, options: GradingOptions | None = None) -> str:
    """CPU threads for each graded kernel's PyTorch: the cores shared out among the jobs.

    PyTorch starts one OpenMP thread per core in every kernel, and idle OpenMP threads spin;
    two kernels side by side on two cores then slow each other down by a third (measured
    in benchmarks/grading.py). The notebooks' tensors are small: one thread loses nothing.
    """
    chosen = GradingOptions.given_or_environment(options).kernel_threads
    return str(chosen) if chosen is not None else str(max(1, (os.cpu_count() or 1) // max(1, jobs)))


def worker_log_path(root: Path, name: str, shard: tuple[int, int] | None = None) -> Path:
    """A grading process's log, named by machine and shard too: shards, on one machine or
    several, share the course folder."""
    share = f"-shard{shard[0]}of{shard[1]}" if shard else ""
    return root / LOG_FOLDER / f"worker-{socket.gethostname()}{share}-{name}.log"


def start_worker(root: Path, db_url: str, cell_timeout: int | None, name: str, jobs: int = 1,
                 shard: tuple[int, int] | None = None, *, options: GradingOptions | None = None,
                 deadline: float | None = None) -> GradeWorker:
    """A grading process configured like ``nbgrader autograde`` on this course would be.

    ``name`` tells its log apart from the others' (a run's worker number, ``single``, ...);
    ``options`` (default: this process's environment) decide how its kernels run;
    ``deadline``: seconds each submission may take (default: worker.submission_deadline's)."""
    argv = [f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url={db_url}"]
    if cell_timeout:
        argv.append(f"--Execute.timeout={cell_timeout}")
    options = GradingOptions.given_or_environment(options)
    threads = kernel_threads(jobs, options)
    env = {**replace(options, hidden=(str(root),)).over(nbgrader_bridge.environment()),
           "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    return GradeWorker(root, argv, env, worker_log_path(root, name, shard), max_seconds=deadline,
                       cell_timeout=cell_timeout or None)


def grade_one(sub: Submission, worker: GradeWorker, root: Path, db_url: str, *,
              options: GradingOptions | None = None) -> SubmissionOutcome:
    """Autograde one submission and write its feedback. ``options``: those ``worker`` was
    started with (default: this process's environment), to record a grade made unsandboxed.

    Submitted files are checked first (intake.py): a refused submission is never read, gets
    no grade (an old one is removed) and the reason names the file."""
    limit = intake.max_file_bytes(root)
    refused = intake.check(sub.folder, limit)
    if refused is not None:
        _keep_log(root, sub, f"not given to nbgrader: {refused}\n")
        forget(sub, root, db_url)
        return SubmissionOutcome(sub, refused)
    renamed = adopt_renamed(sub, limit)
    problem = precheck(sub, limit)
    if problem is not None:
        _keep_log(root, sub, f"not given to nbgrader: {problem}\n")
        forget(sub, root, db_url)
        return SubmissionOutcome(sub, problem)
    for attempt in range(RETRIES + 1):
        answer = worker.grade(sub.student, sub.assignment)
        if answer.ok:
            _log_path(root, sub).unlink(missing_ok=True)
            _keep_notes(root, sub, [renamed] if renamed else [], list(answer.notes))
            _mark_unsandboxed(root, sub, GradingOptions.given_or_environment(options))
            _keep_feedback_log(root, sub, answer.feedback)
            return SubmissionOutcome(sub, None, answer.feedback)
        output = answer.log + "\n" + answer.error
        _keep_log(root, sub, output)
        problem = actionable_reason(output)
        if not answer.died and not any(marker in output for marker in TRANSIENT):
            break
        time.sleep(1 + attempt)
    forget(sub, root, db_url)
    return SubmissionOutcome(sub, problem)


def grade_submission(sub: Submission, root, db_url: str, cell_timeout: int | None = None, *,
                     options: GradingOptions | None = None, deadline: float | None = None) -> str | None:
    """Grade (or regrade) a single submission in a grading process of its own; the failure or None."""
    root = Path(root).resolve()
    options = GradingOptions.given_or_environment(options)
    worker = start_worker(root, db_url, cell_timeout, "single", options=options, deadline=deadline)
    try:
        return grade_one(sub, worker, root, db_url, options=options).problem
    finally:
        worker.close()


def _log_path(root: Path, sub: Submission) -> Path:
    return root / LOG_FOLDER / f"{sub.student}.{sub.assignment}.log"


def _keep_log(root: Path, sub: Submission, output: str):
    """nbgrader's whole output for a failed attempt, for the instructor (the summary has one line)."""
    path = _log_path(root, sub)
    path.parent.mkdir(exist_ok=True)
    path.write_text(output)


def _notes_path(root: Path, sub: Submission) -> Path:
    return root / LOG_FOLDER / f"{sub.student}.{sub.assignment}.repaired.log"


def _keep_notes(root: Path, sub: Submission, renamed: list[str], repairs: list[str]):
    """What was renamed or repaired before grading, one line each (none: no file)."""
    path = _notes_path(root, sub)
    notes = renamed + repairs
    if notes:
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(f"{note}\n" for note in notes))
    else:
        path.unlink(missing_ok=True)


def _feedback_log_path(root: Path, sub: Submission) -> Path:
    return root / LOG_FOLDER / f"{sub.student}.{sub.assignment}.feedback.log"


def _keep_feedback_log(root: Path, sub: Submission, output: str):
    """nbgrader's whole output when the feedback failed (the summary has one line of it)."""
    path = _feedback_log_path(root, sub)
    if output:
        path.parent.mkdir(exist_ok=True)
        path.write_text(output)
    else:
        path.unlink(missing_ok=True)


def _mark_unsandboxed(root: Path, sub: Submission, options: GradingOptions):
    """Record whether this grade came from a kernel without the sandbox (the report says so).

    One file per submission, so that shards and regrades keep the record exact."""
    path = root / LOG_FOLDER / UNSANDBOXED_FOLDER / f"{sub.student}.{sub.assignment}"
    try:
        sandboxed = sandbox.enabled(options)
    except sandbox.SandboxUnavailable:
        sandboxed = False
    if sandboxed:
        path.unlink(missing_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"graded without the sandbox on {socket.gethostname()} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n")


def unsandboxed_submissions(root) -> list[tuple[str, str]]:
    """(student, assignment) of every current grade that was produced without the sandbox."""
    folder = Path(root) / LOG_FOLDER / UNSANDBOXED_FOLDER
    found = (p.name.rsplit(".", 1) for p in folder.glob("*.*")) if folder.is_dir() else []  # ids may hold dots
    return sorted((student, assignment) for student, assignment in found)


def grading_notes(root) -> list[tuple[str, str, str]]:
    """(student, assignment, what) for the report: grades produced without the sandbox, and
    the repairs and renames made before grading."""
    root = Path(root)
    notes = [(student, assignment, "graded WITHOUT the sandbox (--sandbox off): the student's code could have "
              "read the hidden tests or changed the gradebook") for student, assignment in unsandboxed_submissions(root)]
    for path in sorted((root / LOG_FOLDER).glob("*.repaired.log")):
        student, assignment = path.name.removesuffix(".repaired.log").rsplit(".", 1)
        notes += [(student, assignment, f"repaired before grading: {line}") for line in path.read_text().splitlines()]
    return notes


def forget(sub: Submission, root: Path, db_url: str):
    """Remove any earlier grade of ``sub``: a failed regrade must not leave it standing."""
    gradebook.remove_submission(db_url, sub.assignment, sub.student)
    for path in (_notes_path(root, sub), _feedback_log_path(root, sub),
                 root / LOG_FOLDER / UNSANDBOXED_FOLDER / f"{sub.student}.{sub.assignment}"):
        path.unlink(missing_ok=True)
    for folder in ("autograded", "feedback"):
        path = root / folder / sub.student / sub.assignment
        if path.exists():
            shutil.rmtree(path)


# nbgrader's words for failures a person can fix, and what to do (the summary's reason).
_KNOWN_FAILURES = [
    ("Notebook failed to validate", "its nbgrader cell metadata is broken beyond the automatic repairs (copied "
     "cells are repaired): have the student paste their answers into a fresh copy of the released notebook"),
    ("Inconsistent checksums", "a read-only cell no longer matches the gradebook: run `workbook build` again, "
     "then grade again"),
    ("does not exist in the database", "the notebook does not match the gradebook's version of the assignment: "
     "run `workbook build` again, then grade again"),
    ("No assignment with ID", "the assignment is not in the gradebook: run `workbook build`, then grade again"),
]


def actionable_reason(output: str) -> str:
    """Why a submission could not be graded, as something a person can act on."""
    for marker, advice in _KNOWN_FAILURES:
        if marker in output:
            return f"{advice} (nbgrader: {_last_error(output)})"
    return _last_error(output)


def _last_error(output: str) -> str:
    """The most telling line of a failed nbgrader run (its last ERROR line)."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()] or ["nbgrader failed"]
    exceptions = [line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b.*:", line)]
    errors = [line for line in lines if "ERROR" in line and "Please see" not in line]
    return (exceptions or errors or lines)[-1][-300:]


def ensure_assignments(root: Path, assignments, db_url: str, log, sharded: bool = False, *,
                       options: GradingOptions | None = None):
    """Put assignments missing from the gradebook there (nbgrader generate_assignment).

    Sharded runs on several machines would race to do it, so there a missing assignment is
    an error that says what to run once first.
    """
    missing = sorted(set(assignments) - gradebook.assignment_names(db_url))
    if missing and sharded:
        raise RuntimeError(f"{', '.join(missing)} not in the gradebook yet: run `workbook build --db URL` "
                           "once before grading in shards")
    for assignment in missing:
        log(f"adding {assignment} to the gradebook (nbgrader generate_assignment)")
        proc = _nbgrader(["generate_assignment", assignment, "--force"], root, db_url, options)
        if proc.returncode != 0:
            raise RuntimeError(f"could not add {assignment} to the gradebook:\n{_last_error(proc.stdout + proc.stderr)}")


def grade(root, *, jobs: int | None = None, db_url: str | None = None, shard=None,
          cell_timeout: int | None = None, options: GradingOptions | None = None,
          progress: bool = True, log=print, deadline: float | None = None) -> GradeRun:
    """Grade every submission under ``submitted/`` (the shard's share of them). ``options``:
    how kernels run (default: as this process's environment says); ``deadline``: seconds one
    submission may take (default: worker.submission_deadline's, per submission)."""
    root = Path(root).resolve()
    options = GradingOptions.given_or_environment(options)
    db_url = gradebook.configured_url(root, db_url)
    jobs = jobs or os.cpu_count() or 1
    started = time.monotonic()
    run = GradeRun(sandboxed=_sandbox_announcement(log, options), logs=root / LOG_FOLDER)  # refuses without a sandbox
    intake.max_file_bytes(root)  # a wrong size limit in nbgrader_config.py stops the run before it starts
    subs = find_submissions(root, shard)
    if not subs:
        log("no submissions found under submitted/<student>/<assignment>/")
    ensure_assignments(root, {s.assignment for s in subs if not through_link(s)}, db_url, log,
                       sharded=shard is not None, options=options)
    gradebook.add_students(db_url, {s.student for s in subs})
    waiting = queue.SimpleQueue()
    for sub in subs:
        waiting.put(sub)
    results = queue.SimpleQueue()

    workers = [start_worker(root, db_url, cell_timeout, str(number), jobs, shard, options=options, deadline=deadline)
               for number in range(min(jobs, len(subs)))]

    def serve(worker: GradeWorker):
        """One thread per worker process: take the next submission until none is left."""
        try:
            while True:
                try:
                    sub = waiting.get_nowait()
                except queue.Empty:
                    return
                try:
                    results.put(grade_one(sub, worker, root, db_url, options=options))
                except Exception as error:  # the worker could not even start: the run must still end
                    results.put(SubmissionOutcome(sub, f"{type(error).__name__}: {error}"))
        finally:
            worker.close()

    threads = [threading.Thread(target=serve, args=(worker,), daemon=True) for worker in workers]
    for thread in threads:
        thread.start()
    try:
        _collect(subs, results, run, progress)
    except BaseException:  # Ctrl-C: stop the graders and their kernels now, not after their notebooks
        for worker in workers:
            worker.stop()
        raise
    for thread in threads:
        thread.join()
    run.graded.sort()
    run.failed.sort()
    run.grades_csv = export_grades(root, db_url)
    run.seconds = time.monotonic() - started
    return run


def _collect(subs: list[Submission], results: queue.SimpleQueue, run: GradeRun, progress: bool):
    """Record each submission's outcome (a SubmissionOutcome) as the graders report it, with a progress bar."""
    with tqdm(total=len(subs), desc="grading", unit="submission", disable=not progress) as bar:
        for _ in subs:
            outcome: SubmissionOutcome = results.get()
            sub = outcome.submission
            if outcome.graded:
                run.graded.append((sub.student, sub.assignment))
            else:
                run.failed.append((sub.student, sub.assignment, outcome.problem))
            if outcome.feedback_problem:
                run.warnings.append(f"{sub.student}/{sub.assignment}: graded, but no feedback: "
                                    f"{_last_error(outcome.feedback_problem)} (nbgrader's full output: "
                                    f"{run.logs}/{sub.student}.{sub.assignment}.feedback.log)")
            notes = run.logs / f"{sub.student}.{sub.assignment}.repaired.log" if run.logs else None
            if outcome.graded and notes is not None and notes.exists():
                run.notes += [f"{sub.student}/{sub.assignment}: {note}" for note in notes.read_text().splitlines()]
            bar.update()


def export_grades(root: Path, db_url: str) -> Path:
    """grades.csv (nbgrader's exporter: a row per student and assignment), replaced atomically
    so that shards finishing together never leave a half-written file."""
    target = root / "grades.csv"
    partial = root / f".grades.{os.getpid()}.csv"
    try:
        gradebook.export_csv(db_url, partial)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target


def _sandbox_announcement(log, options: GradingOptions) -> bool:
    """Whether kernels run sandboxed; raises SandboxUnavailable when the sandbox is required
    (the default) and bubblewrap does not work, before anything is graded."""
    active = sandbox.enabled(options)
    if not active:
        log("WARNING: grading WITHOUT the sandbox (--sandbox off): student code runs with your own "
            "permissions; it can read the hidden tests and rewrite the gradebook. The summary and "
            "`workbook report` will say so.")
    elif os.geteuid() == 0 and not sandbox.pids_cgroup_available():
        log("warning: processes per kernel are not capped: the grader runs as root and cannot create a "
            "pids cgroup here (RLIMIT_NPROC does not bind root)")
    return active


def summary(run: GradeRun) -> str:
    """The run's outcome for the terminal: counts, time, and every failure with its reason."""
    lines = [f"graded {len(run.graded)}, failed {len(run.failed)} in {run.seconds:.0f} s"
             + ("" if run.sandboxed else " WITHOUT THE SANDBOX (--sandbox off): student code could read the "
                "hidden tests and change the gradebook")]
    lines += [f"  could not grade {student}/{assignment}: {reason}" for student, assignment, reason in run.failed]
    lines += [f"  repaired {note}" for note in run.notes]
    lines += [f"  warning: {warning}" for warning in run.warnings]
    if run.failed and run.logs:
        lines.append(f"nbgrader's full output for each failure: {run.logs}/")
    if run.grades_csv:
        lines.append(f"grades CSV: {run.grades_csv}")
    return "\n".join(lines)
