"""What the grading pieces hand each other, typed: one definition for both ends of each pipe.

- ``GradeRequest`` and ``GradeAnswer``: the JSON lines between `workbook grade` and its
  grading processes (worker.py); both ends use ``to_json``/``from_json``, so a field cannot
  be spelled one way on one side and another way on the other.
- ``Submission`` and ``SubmissionOutcome``: one student's notebook for one assignment, and
  what grading it gave (what the summary counts), locally or from a Dask worker.
- ``GradingOptions``: how kernels run (sandbox, limits, threads, hidden folders). nbgrader
  starts the kernels in the grading processes, so these options reach them as environment
  variables; ``to_environment`` and ``from_environment`` are the only places that spell
  those variables.
"""

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path


class ContractError(ValueError):
    """A message or a setting that does not fit its contract (a bug or a wrong setting, not a grade)."""


def _check_types(owner: str, values: dict, types: dict[str, type]):
    for name, expected in types.items():
        value = values[name]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ContractError(f"{owner}: {name} must be {expected.__name__}, not {value!r}")


def _from_json(owner: str, line: str) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ContractError(f"{owner}: not a JSON line ({error}): {line[:200]!r}") from None
    if not isinstance(data, dict):
        raise ContractError(f"{owner}: expected a JSON object, not {line[:200]!r}")
    return data


# The grading process's first line, once nbgrader is imported and it can take requests.
READY_MESSAGE = {"ready": True}


def ready_line() -> str:
    return json.dumps(READY_MESSAGE)


def is_ready_line(line: str | None) -> bool:
    try:
        return line is not None and json.loads(line) == READY_MESSAGE
    except json.JSONDecodeError:
        return False


@dataclass(frozen=True)
class GradeRequest:
    """Grade one submission: autograde it, then write its feedback (parent -> grading process)."""

    student: str
    assignment: str

    def __post_init__(self):
        _check_types("grade request", asdict(self), {"student": str, "assignment": str})

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, line: str) -> "GradeRequest":
        data = _from_json("grade request", line)
        missing = {"student", "assignment"} - data.keys()
        if missing:
            raise ContractError(f"grade request: missing {', '.join(sorted(missing))} in {line[:200]!r}")
        return cls(data["student"], data["assignment"])


@dataclass(frozen=True)
class GradeAnswer:
    """What grading one submission gave (grading process -> parent).

    ``ok``: nbgrader graded it; ``log``/``error``: nbgrader's output (kept when it failed);
    ``feedback``: nbgrader's whole output when the feedback failed ("" when it worked);
    ``notes``: what was repaired before grading; ``died``: set by the parent when the
    process died rather than answered (a death may be transient, so it is retried).
    """

    ok: bool
    log: str = ""
    error: str = ""
    feedback: str = ""
    notes: tuple[str, ...] = ()
    died: bool = False

    def __post_init__(self):
        object.__setattr__(self, "notes", tuple(self.notes))
        _check_types("grade answer", asdict(self), {"ok": bool, "log": str, "error": str, "feedback": str,
                                                    "notes": tuple, "died": bool})
        if not all(isinstance(note, str) for note in self.notes):
            raise ContractError(f"grade answer: notes must be text, not {self.notes!r}")

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "notes": list(self.notes)})

    @classmethod
    def from_json(cls, line: str) -> "GradeAnswer":
        data = _from_json("grade answer", line)
        if "ok" not in data:
            raise ContractError(f"grade answer: missing ok in {line[:200]!r}")
        known = {f.name for f in fields(cls)}
        unknown = data.keys() - known
        if unknown:
            raise ContractError(f"grade answer: unknown {', '.join(sorted(unknown))} in {line[:200]!r}")
        if isinstance(data.get("notes"), list):
            data["notes"] = tuple(data["notes"])
        return cls(**data)


@dataclass(frozen=True)
class Submission:
    """``submitted/<student>/<assignment>/``: what one student handed in for one assignment."""

    student: str
    assignment: str
    folder: Path

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.assignment}.ipynb"


@dataclass(frozen=True)
class SubmissionOutcome:
    """What grading one submission gave, as the run's summary records it.

    ``problem``: why it could not be graded, in words for the instructor (None: graded);
    ``feedback_problem``: nbgrader's output when it was graded but its feedback failed.
    """

    submission: Submission
    problem: str | None = None
    feedback_problem: str = ""

    @property
    def graded(self) -> bool:
        return self.problem is None


SANDBOX_MODES = ("require", "off", "auto")

# Option -> the environment variable that carries it to nbgrader's process and its kernels.
ENVIRONMENT_NAMES = {
    "sandbox": "WORKBOOK_SANDBOX",
    "memory_limit": "WORKBOOK_MEMORY_LIMIT",
    "process_limit": "WORKBOOK_PROCESS_LIMIT",
    "tmp_limit": "WORKBOOK_TMP_LIMIT",
    "kernel_threads": "WORKBOOK_KERNEL_THREADS",
    "hidden": "WORKBOOK_HIDE",
}


@dataclass(frozen=True)
class GradingOptions:
    """How student kernels run. Defaults are `workbook grade`'s."""

    # require: refuse to grade without bubblewrap; off: grade unsandboxed (the summary and
    # report say so); auto: sandbox when bubblewrap works (only `workbook demo`).
    sandbox: str = "require"
    memory_limit: int = 6 * 2**30     # bytes per kernel (RLIMIT_DATA); 0 or less: no cap
    process_limit: int = 256          # processes and threads per kernel; a kernel itself uses about 20
    tmp_limit: int = 512 * 2**20      # bytes of the sandbox's /tmp (RAM)
    kernel_threads: int | None = None  # PyTorch threads per kernel; None: the cores shared out among the jobs
    hidden: tuple[str, ...] = ()      # more folders the kernel must not see (the course folder)

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(str(p) for p in self.hidden))
        if self.sandbox not in SANDBOX_MODES:
            raise ContractError(f"sandbox must be require, off or auto, not {self.sandbox!r}")
        _check_types("grading options", {f.name: getattr(self, f.name) for f in fields(self)},
                     {"memory_limit": int, "process_limit": int, "tmp_limit": int})
        if self.kernel_threads is not None:
            _check_types("grading options", {"kernel_threads": self.kernel_threads}, {"kernel_threads": int})

    @classmethod
    def given_or_environment(cls, options: "GradingOptions | None") -> "GradingOptions":
        """``options`` when a caller chose them, else what this process's environment carries
        (a grading process, nbgrader's kernels, `workbook demo`, the tests)."""
        return options if options is not None else cls.from_environment()

    def to_environment(self) -> dict[str, str]:
        """The variables that carry these options (kernel_threads only when chosen)."""
        env = {
            ENVIRONMENT_NAMES["sandbox"]: self.sandbox,
            ENVIRONMENT_NAMES["memory_limit"]: str(self.memory_limit),
            ENVIRONMENT_NAMES["process_limit"]: str(self.process_limit),
            ENVIRONMENT_NAMES["tmp_limit"]: str(self.tmp_limit),
            ENVIRONMENT_NAMES["hidden"]: os.pathsep.join(self.hidden),
        }
        if self.kernel_threads is not None:
            env[ENVIRONMENT_NAMES["kernel_threads"]] = str(self.kernel_threads)
        return env

    def over(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` (a process's environment) with these options in place of any it had."""
        env = {name: value for name, value in base.items() if name not in ENVIRONMENT_NAMES.values()}
        return {**env, **self.to_environment()}

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> "GradingOptions":
        """The options that ``env`` (default: this process's environment) carries; defaults for the rest."""
        env = os.environ if env is None else env
        chosen = {}
        name = ENVIRONMENT_NAMES["sandbox"]
        if name in env:
            if env[name] not in SANDBOX_MODES:
                raise ContractError(f"{name} must be require, off or auto, not {env[name]!r}")
            chosen["sandbox"] = env[name]
        for option, unit in (("memory_limit", "bytes"), ("process_limit", "processes"), ("tmp_limit", "bytes")):
            name = ENVIRONMENT_NAMES[option]
            if name in env:
                chosen[option] = _whole_number(name, env[name], unit)
        name = ENVIRONMENT_NAMES["kernel_threads"]
        if env.get(name):  # empty: not chosen
            chosen["kernel_threads"] = _whole_number(name, env[name], "threads")
        chosen["hidden"] = tuple(p for p in env.get(ENVIRONMENT_NAMES["hidden"], "").split(os.pathsep) if p)
        return cls(**chosen)


def _whole_number(name: str, text: str, unit: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ContractError(f"{name} must be a whole number of {unit}, not {text!r}") from None
