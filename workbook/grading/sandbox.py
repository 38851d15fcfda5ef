"""Run each student's Jupyter kernel in a bubblewrap sandbox, with a memory limit.

Without it, nbgrader runs student code as the grader's own user inside the course folder:
a submission could read source/ (solutions, hidden tests) or rewrite gradebook.db. In the
sandbox the kernel sees the file system read-only, with the course folder (and the
repository the package came from) replaced by empty folders except for what it needs: the
Python environment, the course package, and its own submission folder. It writes only to
a private /tmp, and has no network (its own network namespace). Kernel and grader talk over
Unix sockets in a per-kernel folder ("ipc" transport), which also rules out the TCP port
race that parallel kernels can hit ("Address already in use").

The kernel runs as an unprivileged user of its own user namespace (no capabilities: even
when the grader runs as root, it cannot unmount what hides the course folder), and its
resources are capped: processes (RLIMIT_NPROC inside that namespace, plus a pids cgroup
where the grader may create one, which also binds root) and the size of its /tmp (a tmpfs,
so RAM, outside the kernel's memory limit).

bubblewrap (Debian's ``bubblewrap``) does the isolation; we only assemble its arguments.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from .contracts import GradingOptions

DEFAULT_MEMORY_LIMIT = GradingOptions.memory_limit    # the defaults live with the options
DEFAULT_PROCESS_LIMIT = GradingOptions.process_limit
DEFAULT_TMP_LIMIT = GradingOptions.tmp_limit
SANDBOX_UID = 1000                # the kernel's user inside its namespace: anyone but root
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the workbook package
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install "
                "bubblewrap`); on macOS or Windows, grade on a Linux machine or in a Linux container")
HOW_TO_GET_IT = (INSTALL_HINT + ". To grade without a sandbox anyway, knowing that student code can then read "
                 "the hidden tests and rewrite the gradebook: `workbook grade --sandbox off`")


class SandboxUnavailable(RuntimeError):
    """The sandbox is required and bubblewrap does not work here."""


def mode(options: GradingOptions | None = None) -> str:
    """``require`` (the default), ``off``, or ``auto`` (sandbox when bubblewrap works: only for
    `workbook demo`, whose students are synthetic): $WORKBOOK_SANDBOX unless ``options`` say."""
    return GradingOptions.given_or_environment(options).sandbox


def memory_limit(options: GradingOptions | None = None) -> int:
    return GradingOptions.given_or_environment(options).memory_limit


def process_limit(options: GradingOptions | None = None) -> int:
    return GradingOptions.given_or_environment(options).process_limit


def tmp_limit(options: GradingOptions | None = None) -> int:
    return GradingOptions.given_or_environment(options).tmp_limit


@cache
def bubblewrap_works() -> bool:
    """True when ``bwrap`` exists and can create the namespaces it needs on this machine."""
    if shutil.which("bwrap") is None:
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--dev", "/dev", "true"],
                           capture_output=True)
    return probe.returncode == 0


def enabled(options: GradingOptions | None = None) -> bool:
    """Whether kernels run sandboxed; raises when the sandbox is required but unavailable."""
    wanted = mode(options)
    if wanted == "off":
        return False
    if bubblewrap_works():
        return True
    if wanted == "require":
        found = shutil.which("bwrap")
        why = (f"{found} cannot create the namespaces it needs here" if found else "bubblewrap is not installed")
        raise SandboxUnavailable(f"refusing to run student code without the sandbox: {why}. To get it, "
                                 + HOW_TO_GET_IT)
    return False


def hidden_folders(cwd: Path) -> list[Path]:
    """Folders the kernel must not see: the course folder and the package's repository."""
    hidden = [Path(p) for p in GradingOptions.from_environment().hidden]
    for candidate in [*cwd.parents, PACKAGE_DIR.parent]:
        is_course = (candidate / "nbgrader_config.py").exists()
        is_repository = (candidate / "source").is_dir() and (candidate / ".git").exists()
        if is_course or is_repository:
            hidden.append(candidate)
    return sorted({p.resolve() for p in hidden})


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def bubblewrap_command(cmd: list[str], *, cwd: Path, private: Path) -> list[str]:
    """``cmd`` wrapped in bwrap: read-only root, course folders hidden, /tmp private and capped,
    no network, an unprivileged user in a user namespace of its own."""
    args = ["bwrap", "--die-with-parent", "--unshare-all", "--unshare-user", "--disable-userns",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--ro-bind", "/", "/",
            "--dev-bind", "/dev", "/dev", "--proc", "/proc", "--size", str(tmp_limit()), "--tmpfs", "/tmp"]
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
             "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "USER", "student",
             "--setenv", "LOGNAME", "student", "--chdir", str(cwd),
             # ipykernel exits when its parent pid looks gone, and in the sandbox's own pid
             # namespace it always does; --die-with-parent ties it to the grader instead.
             "--unsetenv", "JPY_PARENT_PID", "--"]
    return args + cmd


def limited_command(cmd: list[str], *, processes: bool) -> list[str]:
    """``cmd`` under the memory limit and, when ``processes``, RLIMIT_NPROC: that only counts
    the sandbox's own processes in its user namespace (outside one it would count all of the
    grader's processes, and it never binds root)."""
    caps = ["--memory", str(memory_limit())]
    if processes:
        caps += ["--processes", str(process_limit())]
    return [sys.executable, "-m", "workbook.grading.limits", *caps, "--", *cmd]


def _pids_hierarchy() -> Path | None:
    """This process's cgroup folder in which a child with a ``pids.max`` can be made, or None.

    cgroup v1 mounts the pids controller on its own (/sys/fs/cgroup/pids); cgroup v2 has one
    tree, where the controller must be enabled for children (cgroup.subtree_control).
    """
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            base = Path("/sys/fs/cgroup/pids") / path.lstrip("/")
            return base if base.is_dir() else None
    for line in lines:
        if line.startswith("0::"):
            base = Path("/sys/fs/cgroup") / line[3:].lstrip("/")
            try:
                if "pids" in (base / "cgroup.subtree_control").read_text().split():
                    return base
            except OSError:
                return None
    return None


def pids_cgroup_available() -> bool:
    """Whether the grader can make pids cgroups here (it can as root on most Linux hosts)."""
    base = _pids_hierarchy()
    return base is not None and os.access(base, os.W_OK)


def make_pids_cgroup(limit: int) -> Path | None:
    """A new pids cgroup capped at ``limit`` tasks, or None where the grader cannot make one.

    It binds every process in it, root included, which RLIMIT_NPROC does not.
    """
    if not pids_cgroup_available():
        return None
    _remove_stale_cgroups(_pids_hierarchy())
    try:
        group = Path(tempfile.mkdtemp(prefix="workbook-kernel-", dir=_pids_hierarchy()))
        (group / "pids.max").write_text(str(limit))
    except OSError:
        return None
    return group


def _remove_stale_cgroups(base: Path, older_than_s: float = 600):
    """Empty kernel cgroups left by graders that were killed (a kernel joins its own within
    a second of its creation, so an old empty one is nobody's)."""
    for group in base.glob("workbook-kernel-*"):
        try:
            if time.time() - group.stat().st_mtime > older_than_s and not (group / "cgroup.procs").read_text().strip():
                group.rmdir()
        except OSError:
            pass


def remove_cgroup(group: Path | None):
    """Remove a kernel's cgroup once its processes are gone (they die with the sandbox)."""
    if group is None:
        return
    for _ in range(20):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # still busy: the sandbox's last processes are exiting
            time.sleep(0.05)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run sandboxed (when possible) and memory-limited."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._private = Path(tempfile.mkdtemp(prefix="wbk-"))
        self.transport = "ipc"
        self.ip = str(self._private / "kernel")
        self.connection_file = str(self._private / "connection.json")
        self.sandboxed = enabled()
        self._cgroup: Path | None = None

    async def _async_pre_start_kernel(self, **kw):
        # bwrap does not pass SIGINT on to the kernel: ask ipykernel to interrupt itself
        # (an interrupt_request on the control channel) so a timed-out cell is stopped.
        self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = limited_command(super().format_kernel_cmd(extra_arguments), processes=self.sandboxed)
        if self.sandboxed:
            cwd = Path(self._launch_args.get("cwd") or os.getcwd()).resolve()
            cmd = bubblewrap_command(cmd, cwd=cwd, private=self._private)
        remove_cgroup(self._cgroup)  # a restarted kernel gets a new one
        self._cgroup = make_pids_cgroup(process_limit())
        if self._cgroup is not None:  # joined before bwrap starts, so everything inside inherits it
            cmd = [sys.executable, "-m", "workbook.grading.limits", "--cgroup", str(self._cgroup), "--", *cmd]
        return cmd

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._private, ignore_errors=True)
            remove_cgroup(self._cgroup)
            self._cgroup = None

    cleanup_resources = _async_cleanup_resources
