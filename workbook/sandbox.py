"""Run each student's Jupyter kernel in a bubblewrap sandbox, with a memory limit.

Without it, nbgrader runs student code as the grader's own user inside the course folder:
a submission could read source/ (solutions, hidden tests) or rewrite gradebook.db. In the
sandbox the kernel sees the file system read-only, with the course folder (and the
repository the package came from) replaced by empty folders except for what it needs: the
Python environment, the course package, and its own submission folder. It writes only to
a private /tmp, and has no network (its own network namespace). Kernel and grader talk over
Unix sockets in a per-kernel folder ("ipc" transport), which also rules out the TCP port
race that parallel kernels can hit ("Address already in use").

bubblewrap (Debian's ``bubblewrap``) does the isolation; we only assemble its arguments.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

DEFAULT_MEMORY_LIMIT = 6 * 2**30
PACKAGE_DIR = Path(__file__).resolve().parent


def mode() -> str:
    """``auto`` (sandbox when bubblewrap works), ``require`` or ``off``: $WORKBOOK_SANDBOX."""
    value = os.environ.get("WORKBOOK_SANDBOX", "auto")
    if value not in ("auto", "require", "off"):
        raise ValueError(f"WORKBOOK_SANDBOX must be auto, require or off, not {value!r}")
    return value


def memory_limit() -> int:
    return int(os.environ.get("WORKBOOK_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT))


@cache
def bubblewrap_works() -> bool:
    """True when ``bwrap`` exists and can create the namespaces it needs on this machine."""
    if shutil.which("bwrap") is None:
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--dev", "/dev", "true"],
                           capture_output=True)
    return probe.returncode == 0


def enabled() -> bool:
    """Whether kernels run sandboxed; raises when the sandbox is required but unavailable."""
    wanted = mode()
    if wanted == "off":
        return False
    if bubblewrap_works():
        return True
    if wanted == "require":
        raise RuntimeError("the sandbox is required (WORKBOOK_SANDBOX=require) but bubblewrap does not "
                           "work here: install Debian's `bubblewrap`")
    return False


def hidden_folders(cwd: Path) -> list[Path]:
    """Folders the kernel must not see: the course folder and the package's repository."""
    hidden = [Path(p) for p in os.environ.get("WORKBOOK_HIDE", "").split(os.pathsep) if p]
    for candidate in [*cwd.parents, PACKAGE_DIR.parent]:
        is_course = (candidate / "nbgrader_config.py").exists()
        is_repository = (candidate / "source").is_dir() and (candidate / ".git").exists()
        if is_course or is_repository:
            hidden.append(candidate)
    return sorted({p.resolve() for p in hidden})


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def bubblewrap_command(cmd: list[str], *, cwd: Path, private: Path) -> list[str]:
    """``cmd`` wrapped in bwrap: read-only root, course folders hidden, /tmp private, no network."""
    args = ["bwrap", "--die-with-parent", "--unshare-all", "--ro-bind", "/", "/",
            "--dev-bind", "/dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    hidden = hidden_folders(cwd)
    for folder in hidden:
        args += ["--tmpfs", str(folder)]
    # What the kernel needs from inside hidden folders comes back, read-only.
    needed = {Path(sys.prefix).resolve(), PACKAGE_DIR, cwd.resolve()}
    for path in sorted(needed):
        if any(_inside(path, folder) for folder in hidden):
            args += ["--ro-bind", str(path), str(path)]
    for folder in hidden:  # empty and read-only: nothing can be written there either
        args += ["--remount-ro", str(folder)]
    args += ["--bind", str(private), str(private),
             "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
             "--setenv", "IPYTHONDIR", "/tmp/ipython", "--chdir", str(cwd),
             # ipykernel exits when its parent pid looks gone, and in the sandbox's own pid
             # namespace it always does; --die-with-parent ties it to the grader instead.
             "--unsetenv", "JPY_PARENT_PID", "--"]
    return args + cmd


def limited_command(cmd: list[str]) -> list[str]:
    return [sys.executable, "-m", "workbook.limits", str(memory_limit()), "--", *cmd]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run sandboxed (when possible) and memory-limited."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._private = Path(tempfile.mkdtemp(prefix="wbk-"))
        self.transport = "ipc"
        self.ip = str(self._private / "kernel")
        self.connection_file = str(self._private / "connection.json")
        self.sandboxed = enabled()

    async def _async_pre_start_kernel(self, **kw):
        # bwrap does not pass SIGINT on to the kernel: ask ipykernel to interrupt itself
        # (an interrupt_request on the control channel) so a timed-out cell is stopped.
        self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = limited_command(super().format_kernel_cmd(extra_arguments))
        if not self.sandboxed:
            return cmd
        cwd = Path(self._launch_args.get("cwd") or os.getcwd()).resolve()
        return bubblewrap_command(cmd, cwd=cwd, private=self._private)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._private, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
