"""Run each student's Jupyter kernel in a bubblewrap sandbox that shows it only what grading needs.

Without it, nbgrader runs student code as the grader's own user: a submission could read
source/ (solutions, hidden tests), rewrite gradebook.db, or print the grader's credentials
into its own feedback. The sandbox is an allow-list on an empty root (deny by default):

- read-only: /usr and /bin, /sbin, /lib* (symlinks where /usr is merged), the Python
  environment (the venv, its base interpreter, site-packages, the workbook package), a
  few /etc files the dynamic linker and the clock need, full MNIST when the grader has it,
  the notebook's own folder, and the paths ``c.SandboxedKernelManager.read_only_paths`` adds;
- a private /tmp and /dev/shm (tmpfs, capped), a minimal /dev (plus NVIDIA's device nodes
  and /sys when the host has a GPU), its own /proc, and a passwd that knows only its user;
- nothing else: not /root, /home, /var, /srv, /mnt, /etc/shadow, nor any other course.

The kernel has no network and no other process in sight (namespaces of its own), and runs
as an unprivileged user inside a user namespace of its own; a root grader's kernel is also
``nobody`` outside it, so file permissions protect what the mounts do not. Its environment
is an allow-list too (kernel_environment.py). Kernel and grader talk over Unix sockets in a
per-kernel folder ("ipc" transport), which also rules out the TCP port race of parallel
kernels ("Address already in use"). Resources are capped: processes (RLIMIT_NPROC inside
the user namespace, plus a pids cgroup where the grader may make one) and the size of /tmp.

bubblewrap (Debian's ``bubblewrap``) does the isolation; we only assemble its arguments.
"""

import os
import pwd
import shutil
import site
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

import psutil
from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

from .contracts import GradingOptions
from .kernel_environment import kernel_environment

DEFAULT_MEMORY_LIMIT = GradingOptions.memory_limit    # the defaults live with the options
DEFAULT_PROCESS_LIMIT = GradingOptions.process_limit
DEFAULT_TMP_LIMIT = GradingOptions.tmp_limit
SANDBOX_UID = 1000                # the kernel's user inside its namespace: anyone but root
HOST_USER = "nobody"              # who a root grader's kernels are on the host
SYSTEM_FOLDERS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
# What a Python process needs from /etc: the dynamic linker's cache, the clock, fontconfig. No name
# resolution (hosts, resolv.conf, nsswitch.conf): there is no network.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "alternatives", "fonts")
MNIST_IN_SANDBOX = Path("/run/workbook/mnist.pkl.gz")  # full MNIST, where the grader has it
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
    """True when ``bwrap`` exists and can build the sandbox kernels get, here and as this user
    (a root grader needs ``setpriv`` too: util-linux, on every Debian)."""
    if shutil.which("bwrap") is None or (runs_as_root() and shutil.which("setpriv") is None):
        return False
    with tempfile.TemporaryDirectory(prefix="wbk-probe-") as private:
        give_to_kernel_user(Path(private))
        cmd = bubblewrap_command([sys.executable, "-c", "pass"], cwd=Path(private), private=Path(private))
        probe = subprocess.run(cmd, capture_output=True, env=kernel_environment(os.environ, sandboxed=True))
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
    """Folders the kernel must not see even where an allowed path holds them: the course
    folder and the package's repository (say, a course kept under /usr/local or in the venv)."""
    hidden = [Path(p) for p in GradingOptions.from_environment().hidden]
    for candidate in [*cwd.parents, PACKAGE_DIR.parent]:
        is_course = (candidate / "nbgrader_config.py").exists()
        is_repository = (candidate / "source").is_dir() and (candidate / ".git").exists()
        if is_course or is_repository:
            hidden.append(candidate)
    return sorted({p.resolve() for p in hidden})


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _outermost(paths) -> list[Path]:
    """``paths`` without those inside another of them (binding the outer one shows both)."""
    unique = sorted({Path(p) for p in paths})
    return [p for p in unique if not any(other != p and _inside(p, other) for other in unique)]


def python_paths() -> list[Path]:
    """The interpreter and the environment it runs in: the venv, the base installation its
    ``python`` links to, the site-packages folders, and the workbook package itself (an
    editable install lives in the repository, which the kernel must not see as a whole)."""
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             Path(os.path.realpath(sys.executable)).parent.parent, *site.getsitepackages(), PACKAGE_DIR}
    return _outermost(Path(os.path.realpath(p)) for p in paths if os.path.isdir(p))


def system_mounts() -> list[str]:
    """/usr and the top-level /bin, /sbin, /lib*: bound read-only, or, where they are symlinks
    into /usr (merged /usr, as on Debian), the same symlinks."""
    args = []
    for name in SYSTEM_FOLDERS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def gpu_devices() -> list[Path]:
    """NVIDIA's device nodes, so that CUDA works in the sandbox where the host has a GPU."""
    return sorted(Path("/dev").glob("nvidia*"))


@cache
def _data_locations():
    """workbook/data/locations.py, loaded on its own: importing it the usual way runs
    workbook/data/__init__.py, which imports torch, seconds a grading process never needs."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbook_data_locations", PACKAGE_DIR / "data" / "locations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def full_mnist_file() -> Path | None:
    """Full MNIST where the grader finds it ($WORKBOOK_MNIST, its cache, ./data), or None."""
    try:
        found = _data_locations().find_full_mnist()
    except OSError:  # a candidate it may not look at ($HOME of another user): as if absent
        return None
    return found.resolve() if found else None


def _identity_files(private: Path) -> list[str]:
    """A passwd and a group that know only the kernel's user, instead of the host's."""
    etc = private / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "passwd").write_text(f"student:x:{SANDBOX_UID}:{SANDBOX_UID}:student:/tmp:/usr/sbin/nologin\n"
                                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
    (etc / "group").write_text(f"student:x:{SANDBOX_UID}:\nnogroup:x:65534:\n")
    return ["--ro-bind", str(etc / "passwd"), "/etc/passwd", "--ro-bind", str(etc / "group"), "/etc/group"]


def _parents(destinations: list[Path], read_only: list[Path], made: list[Path]) -> list[str]:
    """``--dir`` for the folders above each bind, world-readable: bwrap would make them 0700,
    which the kernel's user (not root) could not pass through. None inside ``read_only``
    mounts (they exist there or cannot be made), none for the mount points in ``made``."""
    folders = sorted({parent for dest in destinations for parent in dest.parents
                      if parent != Path("/") and parent not in made and not any(_inside(parent, b) for b in read_only)},
                     key=lambda p: len(p.parts))
    args = []
    for folder in folders:
        args += ["--perms", "0755", "--dir", str(folder)]
    return args


def visible_paths(cwd: Path, extra: tuple[str, ...] | list[str] = ()) -> list[Path]:
    """What the kernel sees read-only besides the system folders (the README lists them)."""
    paths = [*python_paths(), cwd.resolve(), *(Path(os.path.realpath(p)) for p in extra if os.path.exists(p))]
    return _outermost(paths)


def _mounts(cwd: Path, private: Path, extra) -> list[str]:
    """The sandbox's file system: an allow-list on an empty root. The private folders come
    first, so that a notebook folder under the host's /tmp is bound on top of them."""
    readable = [p for p in visible_paths(cwd, extra) if not _inside(p, Path("/usr"))]  # /usr is bound already
    mnist = full_mnist_file()
    etc = [Path("/etc") / name for name in ETC_FILES if (Path("/etc") / name).exists()]
    args = system_mounts() + ["--dev", "/dev"]
    for device in gpu_devices():
        args += ["--dev-bind", str(device), str(device)]
    if gpu_devices() and Path("/sys").is_dir():  # the CUDA driver reads the PCI topology there
        args += ["--ro-bind", "/sys", "/sys"]
    args += ["--proc", "/proc",
             "--perms", "1777", "--size", str(tmp_limit()), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(tmp_limit()), "--tmpfs", "/dev/shm"]
    destinations = [*readable, private, *etc, Path("/etc/passwd"), *([MNIST_IN_SANDBOX] if mnist else [])]
    args += _parents(destinations, [Path("/usr"), Path("/proc")], [Path("/tmp"), Path("/dev"), Path("/dev/shm")])
    for path in readable:
        args += ["--ro-bind", str(path), str(path)]
    for path in etc:
        args += ["--ro-bind", str(path), str(path)]
    if mnist:
        args += ["--ro-bind", str(mnist), str(MNIST_IN_SANDBOX)]
    args += ["--bind", str(private), str(private), *_identity_files(private)]
    # A course kept inside an allowed path stays hidden; what the kernel needs from it comes back.
    hidden = [folder for folder in hidden_folders(cwd) if any(_inside(folder, p) and folder != p for p in readable)]
    for folder in hidden:
        args += ["--tmpfs", str(folder)]
    for path in readable:
        if any(_inside(path, folder) for folder in hidden):
            args += ["--ro-bind", str(path), str(path)]
    for folder in hidden:
        args += ["--remount-ro", str(folder)]
    # The root itself (bwrap's tmpfs, holding the folders made above) is read-only too:
    # nothing can be written but /tmp, /dev/shm and the private folder.
    return args + ["--remount-ro", "/"]


def runs_as_root() -> bool:
    return os.geteuid() == 0


def host_user() -> tuple[int, int]:
    """The unprivileged user a root grader's kernels run as on the host (``nobody``)."""
    try:
        entry = pwd.getpwnam(HOST_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def bubblewrap_command(cmd: list[str], *, cwd: Path, private: Path, extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """``cmd`` in the sandbox: an allow-list of read-only paths, a private /tmp, no network,
    no other process in sight, and a user without privileges inside and outside.

    A grader that is not root runs one bwrap, in a user namespace of its own. A root grader
    cannot do that alone: in a user namespace made by root the kernel's files are root's, so
    a 0600 file of root's is readable wherever it is mounted. So bwrap first builds the
    file system as root (it can read what it binds), then ``setpriv`` becomes ``nobody``, and a
    second, unprivileged bwrap adds the user namespace (no capabilities, no nested ones).
    """
    bwrap = shutil.which("bwrap")
    tail = ["--chdir", str(cwd), "--"]
    if not runs_as_root():
        return [bwrap, "--die-with-parent", "--unshare-all", "--unshare-user", "--disable-userns",
                "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), *_mounts(cwd, private, extra), *tail, *cmd]
    uid, gid = host_user()
    outer = [bwrap, "--die-with-parent", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
             "--unshare-cgroup-try", *_mounts(cwd, private, extra),
             "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
    drop = [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
            "--inh-caps=-all", "--"]
    inner = [bwrap, "--die-with-parent", "--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID),
             "--gid", str(SANDBOX_UID), "--dev-bind", "/", "/", *tail]  # dev: the outer /dev's few nodes
    return outer + drop + inner + cmd


def give_to_kernel_user(*paths: Path):
    """Let a root grader's kernel (``nobody`` on the host) use its private folder: the
    connection file jupyter_client wrote (0600, root's) and the folder for the ipc sockets."""
    if not runs_as_root():
        return
    uid, gid = host_user()
    for path in paths:
        if path.exists():
            os.chown(path, uid, gid)


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
    """A kernel manager whose kernels run sandboxed (when possible), memory-limited, with an
    allow-listed environment, and whose stray processes can be found and ended."""

    read_only_paths = List(Unicode(), help="more paths the sandboxed kernel may read (a course's data folder "
                           "elsewhere); nbgrader_config.py: c.SandboxedKernelManager.read_only_paths").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._private = Path(tempfile.mkdtemp(prefix="wbk-"))
        self.transport = "ipc"
        self.ip = str(self._private / "kernel")
        self.connection_file = str(self._private / "connection.json")
        self.sandboxed = enabled()
        self._cgroup: Path | None = None
        self._kernel_chain: set[int] = set()

    async def _async_pre_start_kernel(self, **kw):
        # bwrap does not pass SIGINT on to the kernel: ask ipykernel to interrupt itself
        # (an interrupt_request on the control channel) so a timed-out cell is stopped.
        self.kernel_spec.interrupt_mode = "message"
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        mnist = full_mnist_file()
        where = (str(MNIST_IN_SANDBOX) if self.sandboxed else str(mnist)) if mnist else None
        kw["env"] = kernel_environment(kw.get("env", os.environ), sandboxed=self.sandboxed, mnist=where)
        return cmd, kw

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = limited_command(super().format_kernel_cmd(extra_arguments), processes=self.sandboxed)
        if self.sandboxed:
            cwd = Path(self._launch_args.get("cwd") or os.getcwd()).resolve()
            give_to_kernel_user(self._private, Path(self.connection_file))
            cmd = bubblewrap_command(cmd, cwd=cwd, private=self._private, extra=self.read_only_paths)
        remove_cgroup(self._cgroup)  # a restarted kernel gets a new one
        self._cgroup = make_pids_cgroup(process_limit())
        if self._cgroup is not None:  # joined before bwrap starts, so everything inside inherits it
            cmd = [sys.executable, "-m", "workbook.grading.limits", "--cgroup", str(self._cgroup), "--", *cmd]
        return cmd

    def _processes(self) -> list[psutil.Process]:
        """The kernel's process and all it started (in the sandbox: bwrap's chain too, and
        what a cell detached, which bwrap's pid 1 adopts)."""
        pid = getattr(self.provisioner, "pid", None)
        if pid is None:
            return []
        try:
            top = psutil.Process(pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def note_kernel_started(self):
        """Remember the kernel's own processes, before any student code ran."""
        self._kernel_chain = {p.pid for p in self._processes()}

    def end_leftover_processes(self) -> int:
        """Kill what student code left running (not zombies: they hold no resource but a pid,
        and the kernel is replaced anyway when anything was left); how many were killed.

        Done from here, the grader's side, because the kernel is the student's: code in it
        could undo any clean-up of its own."""
        left = []
        for _ in range(5):  # a process may start others while we look: look again
            found = []
            for process in self._processes():
                try:
                    if process.pid not in self._kernel_chain and process.status() != psutil.STATUS_ZOMBIE:
                        found.append(process)
                except psutil.NoSuchProcess:
                    pass
            if not found:
                break
            for process in found:
                try:
                    process.kill()
                except psutil.NoSuchProcess:
                    pass
            left += [p.pid for p in found if p.pid not in left]
        return len(left)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._private, ignore_errors=True)
            remove_cgroup(self._cgroup)
            self._cgroup = None

    cleanup_resources = _async_cleanup_resources
