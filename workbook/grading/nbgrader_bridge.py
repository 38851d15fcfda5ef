"""Run nbgrader's own commands on a course folder, each in a fresh process.

`workbook build` uses it (generate_assignment, generate_solution), and grading uses it only
to add a missing assignment to the gradebook: nbgrader's apps keep global state (traitlets
singletons, the log), so one command per process is the safe way to run a few of them.
Grading itself runs in long-lived processes that drive nbgrader's API (worker.py).
``course_config`` reads the course's nbgrader_config.py as nbgrader loads it, for the settings
the grader needs before nbgrader runs (the gradebook URL, the size limit, the cell timeout).
"""

import os
import subprocess
import sys
from pathlib import Path


def course_config(root):
    """``nbgrader_config.py``'s settings (a traitlets Config; empty without the file)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    return PyFileConfigLoader(path.name, str(path.parent)).load_config() if path.is_file() else Config()


def _with_tools(path: str | None) -> str:
    return os.pathsep.join(p for p in (str(Path(sys.executable).parent), path) if p)


def put_environment_tools_on_path():
    """Let code in this process find this environment's commands (nbgrader calls `alembic`)."""
    os.environ["PATH"] = _with_tools(os.environ.get("PATH"))


def environment() -> dict[str, str]:
    """This environment, with its own tools on PATH and its own ``python3`` kernel first.

    ``make`` installs the kernel spec into ``.venv/share/jupyter``; putting that folder at
    the front of JUPYTER_PATH makes nbgrader run notebooks with this environment's Python
    even when the user has another ``python3`` kernel installed.
    """
    env = dict(os.environ)
    # nbgrader calls `alembic` (the gradebook's migrations) through PATH.
    env["PATH"] = _with_tools(env.get("PATH"))
    data_dir = str(Path(sys.prefix) / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (data_dir, env.get("JUPYTER_PATH")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.pop("NBGRADER_EXECUTION", None)
    return env


def run(args: list[str], root, *, check: bool = True, quiet: bool = True, env: dict | None = None,
        timeout: float | None = None) -> subprocess.CompletedProcess:
    """``nbgrader <args>`` with the course root set; its output is captured when ``quiet``."""
    root = Path(root).resolve()
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"]
    proc = subprocess.run(cmd, cwd=root, env={**environment(), **(env or {})}, text=True,
                          capture_output=quiet, check=False, timeout=timeout)
    if check and proc.returncode != 0:
        detail = (proc.stdout or "") + (proc.stderr or "") if quiet else ""
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode})\n{detail[-4000:]}")
    return proc
