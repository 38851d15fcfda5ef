"""Grading on a Dask worker without the gradebook: a private scratch course per grading
process, and the result the grader checks and writes.

Why: a worker runs student code (sandboxed, but on its machine) and anyone holding a worker's
certificate can join the cluster. If workers wrote the PostgreSQL gradebook, every one of
them would hold its password, and one stolen worker could rewrite any grade. Here a worker
autogrades into a SQLite gradebook of its own (the course's assignments, copied from the
real one by the grader and shipped in the plugin) and a scratch copy of the submission, with
``grading.grade_one`` exactly as a local run; it returns the scores by cell, the autograded
notebook, the feedback and the logs. The grader alone writes the gradebook, ``autograded/``
and ``feedback/``, and accepts a result only for the task it handed out, with scores inside
each cell's points.

The grading process a worker starts gets an allow-listed environment: it needs no Dask
setting, no certificate and no database credential, so its kernels cannot inherit one.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from . import gradebook
from . import run as grading
from .contracts import ENVIRONMENT_NAMES, GradingOptions, Submission, SubmissionOutcome

# What a grading process (nbgrader, then its kernels) may inherit from a Dask worker.
KEPT_VARIABLES = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM", "SHELL",
                  "PYTHONPATH", "PYTHONUNBUFFERED", "PYTHONHASHSEED", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "MPLBACKEND",
                  "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                  "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "CUDA_VISIBLE_DEVICES",
                  "CUDA_DEVICE_ORDER", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES", *ENVIRONMENT_NAMES.values()}
KEPT_PREFIXES = ("LC_", "WORKBOOK_")  # locale names; this package's own settings (no secret among them)
LOGS = ("log", "repaired", "feedback", "unsandboxed")  # the per-submission files grade_one keeps


def grading_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` cut down to what grading needs (an allow-list, so a new secret cannot slip through)."""
    return {name: value for name, value in env.items() if name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES)}


def _log_paths(root: Path, sub: Submission) -> dict[str, Path]:
    return {"log": grading._log_path(root, sub), "repaired": grading._notes_path(root, sub),
            "feedback": grading._feedback_log_path(root, sub),
            "unsandboxed": root / grading.LOG_FOLDER / grading.UNSANDBOXED_FOLDER / f"{sub.student}.{sub.assignment}"}


@dataclass
class GradedResult:
    """A worker's answer for one task: what grading its scratch copy gave."""

    token: str
    student: str
    assignment: str
    problem: str | None
    feedback_problem: str = ""
    record: dict | None = None                          # gradebook.submission_record of the scratch gradebook
    logs: dict[str, str] = field(default_factory=dict)  # LOGS name -> text
    autograded: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    feedback: dict[str, bytes] = field(default_factory=dict)
    worker: str = ""  # the Dask worker's name, as it says (grading-logs/cluster-workers.log)


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


class ScratchGrader:
    """One grading process and its private course: a 0700 folder with a copy of the course's
    nbgrader_config.py, its source/ (linked: autograde copies the assignment's data files from
    there), a SQLite gradebook and each submission's copy while it is graded."""

    def __init__(self, course: Path, parent: Path, structure: bytes, cell_timeout: int | None, name: str, jobs: int,
                 options: GradingOptions, hidden: tuple[str, ...]):
        self.course = course
        self.root = Path(tempfile.mkdtemp(prefix="workbook-grading-", dir=parent))
        shutil.copy(course / "nbgrader_config.py", self.root)
        (self.root / "source").symlink_to(course / "source")
        (self.root / "gradebook.db").write_bytes(structure)
        self.db_url = gradebook.default_url(self.root)
        self.options = options
        self.process = grading.start_worker(self.root, self.db_url, cell_timeout, name, jobs, options=options)
        kernels_hide = replace(options, hidden=(str(self.root), str(course), *hidden))
        self.process.env = {**grading_environment(self.process.env), **kernels_hide.to_environment()}

    def _refused(self, sub: Submission) -> str | None:
        """Why the submission in the shared folder is not even copied: what run.py's intake checks
        refuse (links, FIFOs, files over the limit), checked on the original, since a copy
        would hide a linked folder."""
        intake = getattr(grading, "intake", None)
        if intake is not None:
            return intake.check(sub.folder, intake.max_file_bytes(self.course))
        if sub.folder.is_symlink() or sub.folder.parent.is_symlink():
            return f"refused: {sub.folder} is reached through a symbolic link"
        return None

    def grade(self, token: str, sub: Submission, prior: dict | None) -> GradedResult:
        refused = self._refused(sub)
        if refused is not None:
            return GradedResult(token, sub.student, sub.assignment, refused,
                                logs={"log": f"not given to nbgrader: {refused}\n"})
        here = Submission(sub.student, sub.assignment, self.root / "submitted" / sub.student / sub.assignment)
        self._clear(here)
        shutil.copytree(sub.folder, here.folder, symlinks=True)
        if prior is not None:
            gradebook.restore_submission(self.db_url, sub.assignment, sub.student, prior)
        try:
            outcome = grading.grade_one(here, self.process, self.root, self.db_url, options=self.options)
            record = gradebook.submission_record(self.db_url, sub.assignment, sub.student) if outcome.graded else None
            logs = {name: path.read_text(errors="replace") for name, path in _log_paths(self.root, here).items()
                    if path.is_file()}
            return GradedResult(token, sub.student, sub.assignment, outcome.problem, outcome.feedback_problem, record,
                                logs, _files(self.root / "autograded" / sub.student / sub.assignment),
                                _files(self.root / "feedback" / sub.student / sub.assignment))
        finally:
            self._clear(here)

    def _clear(self, here: Submission):
        """Nothing of one submission is left for the next (the scratch gradebook included)."""
        grading.forget(here, self.root, self.db_url)
        for folder in ("submitted", "autograded", "feedback"):
            shutil.rmtree(self.root / folder / here.student / here.assignment, ignore_errors=True)
        grading._log_path(self.root, here).unlink(missing_ok=True)

    def stop(self):
        self.process.stop()

    def close(self):
        self.process.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _relative(path: str) -> PurePosixPath:
    """A file name a worker sent, refused unless it stays inside its folder."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or not relative.parts or any(part in ("", ".", "..") for part in relative.parts):
        raise ValueError(f"file name {path!r} leaves its folder")
    return relative


def _write_folder(target: Path, files: dict[str, bytes]):
    if target.exists():
        shutil.rmtree(target)
    for name, content in files.items():
        path = target / _relative(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def record(result: GradedResult, sub: Submission, token: str, root: Path, db_url: str) -> SubmissionOutcome:
    """Write a worker's result for ``sub`` into the course (gradebook, autograded/, feedback/,
    grading-logs/) as a local run would have; a result that is not for this task, or does not
    fit the assignment, is refused and the submission counts as not graded."""
    paths = _log_paths(root, sub)
    if not isinstance(result, GradedResult) or (result.token, result.student, result.assignment) != (
            token, sub.student, sub.assignment):
        grading.forget(sub, root, db_url)
        return SubmissionOutcome(sub, "not graded on the cluster: the worker answered for another task")
    if result.problem is not None:  # as grade_one: the failure's log kept, any earlier grade removed
        grading.forget(sub, root, db_url)
        if "log" in result.logs:
            paths["log"].parent.mkdir(parents=True, exist_ok=True)
            paths["log"].write_text(result.logs["log"])
        return SubmissionOutcome(sub, result.problem, result.feedback_problem)
    try:
        for name in [*result.autograded, *result.feedback]:
            _relative(name)
        gradebook.record_autograde(db_url, sub.assignment, sub.student, result.record or {})
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        grading.forget(sub, root, db_url)
        return SubmissionOutcome(sub, f"not graded on the cluster: the worker's result was refused ({error})")
    _write_folder(root / "autograded" / sub.student / sub.assignment, result.autograded)
    _write_folder(root / "feedback" / sub.student / sub.assignment, result.feedback)
    for name, path in paths.items():  # as grade_one: no failure log; notes, feedback's log, marker as they came
        text = None if name == "log" else result.logs.get(name)
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return SubmissionOutcome(sub, result.problem, result.feedback_problem)


def prior_records(db_url: str, subs) -> dict[tuple[str, str], dict | None]:
    """Each submission's rows in the real gradebook before grading (manual grades, extensions),
    for the worker's scratch gradebook: feedback and late penalties come out as locally."""
    return {(s.student, s.assignment): gradebook.submission_record(db_url, s.assignment, s.student) for s in subs}


def structure(db_url: str, assignments, folder: Path) -> bytes:
    """A SQLite gradebook holding ``assignments`` as the real one has them, as bytes for the workers."""
    path = Path(folder) / "structure.db"
    gradebook.copy_assignments(db_url, f"sqlite:///{path}", assignments)
    return path.read_bytes()


def tls_folders(security) -> tuple[str, ...]:
    """The folders of a Dask worker's certificate files: hidden from its kernels."""
    if security is None:
        return ()
    found = set()
    for name in ("tls_ca_file", "tls_worker_cert", "tls_worker_key", "tls_client_cert", "tls_client_key",
                 "tls_scheduler_cert", "tls_scheduler_key"):
        value = getattr(security, name, None)
        if isinstance(value, str) and value and "\n" not in value and os.path.exists(value):
            found.add(str(Path(value).resolve().parent))
    return tuple(sorted(found))
