"""A sandboxed kernel sees only what grading needs (issue 20), and nothing outlives the grader.

A correct submission whose softmax cell tries every way we know to read the grader's
secrets (its home, another course's files, /etc/shadow, other processes' environments, its
environment variables) and to write into the grader's home keeps 30/30, and none of the
secrets reaches its autograded notebook or feedback. Each secret is real: the same code,
run unsandboxed by this test, reads every one of them (the positive control), so the test
can fail. Then `workbook grade` is killed (SIGKILL, SIGTERM, SIGINT) while a cell sleeps:
none of its processes, kernels included, is left after 10 s. Real bubblewrap throughout.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import ROOT, ctrl_c_as_in_a_terminal, source_notebook

from workbook import grading
from workbook.authoring import build, notebooks
from workbook.grading import gradebook, sandbox
from workbook.grading.kernel_environment import kernel_environment

pytestmark = pytest.mark.nbgrader

A = "01_cross_entropy"
SECRET_ENVIRONMENT = {
    "PGPASSWORD": "pg-secret-" + uuid.uuid4().hex,
    "AWS_SECRET_ACCESS_KEY": "aws-secret-" + uuid.uuid4().hex,
    "WORKBOOK_TEST_DB_URL": f"postgresql://grader:url-secret-{uuid.uuid4().hex}@db.example/course",
    "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": "dask-secret-" + uuid.uuid4().hex,
    "NVIDIA_API_KEY": "nvidia-secret-" + uuid.uuid4().hex,  # NVIDIA_* is not a prefix the kernel gets
    "SSH_AUTH_SOCK": "/tmp/ssh-secret-" + uuid.uuid4().hex,
}

# The cell prints whatever it manages to read or write; it never fails (softmax stays correct).
SNOOP = """
import glob as _glob, os as _os
def _show(_label, _do):
    try:
        print(_label, _do())
    except Exception as _error:
        print(_label, "refused:", type(_error).__name__)
def _write(_path):
    with open(_path, "w") as _file:
        _file.write("written by a student")
    return "WRITTEN"
for _path in {reads!r}:
    _show("READ " + _path, lambda: open(_path).read())
for _path in _glob.glob("/proc/[0-9]*/environ"):
    _show("PROC " + _path, lambda: open(_path, "rb").read().decode(errors="replace"))
print("ENV", dict(_os.environ))
for _path in {writes!r}:
    _show("WRITE " + _path, lambda: _write(_path))
print("SNOOP DONE")
"""


def _mode(path: Path, text: str, mode: int) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def _course(folder: Path) -> Path:
    course = folder / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / A, course / "source" / A)
    assert build.build(course, solutions=False, log=lambda *_: None) == []
    return course


def _hand_in(course: Path, student: str, extra_softmax_code: str):
    ref = notebooks.reference_solutions(source_notebook(A))
    release = notebooks.read(notebooks.notebook_path(course, "release", A))
    nb = notebooks.make_submission(release, {**ref, "softmax": ref["softmax"] + "\n" + extra_softmax_code})
    path = course / "submitted" / student / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))


class Planted:
    """Secrets where a grader's machine keeps them, and the places a cell must not write."""

    def __init__(self, folder: Path):
        self.home = folder / "grader-home"
        self.home.mkdir(mode=0o700)
        self.other_course = Path(tempfile.mkdtemp(prefix="wb-other-course-", dir="/var/tmp"))
        (self.other_course / "nbgrader_config.py").write_text("c = get_config()\n")
        self.secrets = {name: value for name, value in SECRET_ENVIRONMENT.items()}
        files = {
            "home .pgpass": _mode(self.home / ".pgpass", f"db:5432:*:grader:{uuid.uuid4().hex}\n", 0o600),
            "other course, 0644": _mode(self.other_course / "grades.csv", f"eve,{uuid.uuid4().hex}\n", 0o644),
            "other course, 0600": _mode(self.other_course / "gradebook.key", uuid.uuid4().hex, 0o600),
        }
        self.in_root = None
        if os.geteuid() == 0:  # a real file in root's home, as on a single-user server
            self.in_root = _mode(Path("/root") / f".workbook-test-secret-{uuid.uuid4().hex}", uuid.uuid4().hex, 0o600)
            files["/root file, 0600"] = self.in_root
        self.file_secrets = {label: path.read_text().strip() for label, path in files.items()}
        self.reads = [str(path) for path in files.values()]
        if os.access("/etc/shadow", os.R_OK):
            self.file_secrets["/etc/shadow"] = Path("/etc/shadow").read_text().splitlines()[0]
        self.reads.append("/etc/shadow")
        self.writes = [str(self.home / "planted-by-student"), f"/root/.workbook-test-write-{uuid.uuid4().hex}"]

    def all_secrets(self) -> dict[str, str]:
        return {**self.file_secrets, **{f"${name}": value for name, value in self.secrets.items()}}

    def code(self) -> str:
        return SNOOP.format(reads=self.reads, writes=self.writes)

    def environment(self) -> dict[str, str]:
        return {**self.secrets, "HOME": str(self.home)}

    def clean_up(self):
        shutil.rmtree(self.other_course, ignore_errors=True)
        for path in [self.in_root, *map(Path, self.writes)]:
            if path is not None:
                Path(path).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    planted = Planted(tmp_path_factory.mktemp("planted"))
    yield planted
    planted.clean_up()


def test_the_secrets_are_real_the_same_code_unsandboxed_reads_them_all(planted, tmp_path):
    """The positive control: without the sandbox, the snooping cell finds every secret."""
    out = subprocess.run([sys.executable, "-c", planted.code()], env={**os.environ, **planted.environment()},
                         cwd=tmp_path, capture_output=True, text=True, timeout=120).stdout
    missing = [label for label, secret in planted.all_secrets().items() if secret not in out]
    assert missing == [], f"the control could not read {missing}: the planted secrets prove nothing"
    assert out.count("WRITTEN") >= 1 and (planted.home / "planted-by-student").exists()
    for path in planted.writes:
        Path(path).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def snooped(tmp_path_factory, planted):
    assert sandbox.bubblewrap_works(), "bubblewrap is needed for these tests: apt-get install bubblewrap"
    course = _course(tmp_path_factory.mktemp("snoop"))
    _hand_in(course, "eve", planted.code())
    with pytest.MonkeyPatch.context() as mp:
        for name, value in planted.environment().items():
            mp.setenv(name, value)
        mp.setenv("WORKBOOK_SANDBOX", "require")
        run = grading.grade(course, jobs=1, progress=False, log=lambda *_: None)
    return course, run


def test_a_snooping_submission_keeps_full_marks_and_gets_none_of_the_secrets(snooped, planted):
    course, run = snooped
    assert run.sandboxed and run.failed == []
    assert gradebook.totals(gradebook.configured_url(course))["eve"][A] == (30.0, 30.0)
    autograded = (course / "autograded" / "eve" / A / f"{A}.ipynb").read_text()
    feedback = (course / "feedback" / "eve" / A / f"{A}.html").read_text()
    assert "SNOOP DONE" in autograded and "output cut" not in autograded  # it ran, and nothing was cut away
    for page in (autograded, feedback):
        leaked = [label for label, secret in planted.all_secrets().items() if secret in page]
        assert leaked == [], f"the kernel read {leaked}"
    nb = nbformat.reads(autograded, 4)
    said = "".join(o.get("text", "") for c in nb.cells if notebooks.nbgrader_meta(c).get("grade_id") == "softmax"
                   for o in c.outputs)
    assert all(f"READ {path} refused:" in said for path in planted.reads), said  # not found, or not allowed
    assert "WRITTEN" not in said and "PGPASSWORD" not in said
    assert not any(Path(path).exists() for path in planted.writes)  # nothing written into the grader's home
    assert "'HOME': '/tmp'" in autograded  # its own environment: the allow-list's


def test_kernel_environment_is_an_allow_list():
    grader = {**SECRET_ENVIRONMENT, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "2",
              "CUDA_VISIBLE_DEVICES": "0", "NVIDIA_VISIBLE_DEVICES": "all", "NBGRADER_EXECUTION": "autograde",
              "MPLBACKEND": "Agg", "PYTHONPATH": "/root/secret-code", "JPY_PARENT_PID": "4242",
              "HOME": "/root", "XDG_CACHE_HOME": "/root/.cache", "MY_TOKEN": "x"}
    env = kernel_environment(grader, sandboxed=True, mnist="/run/workbook/mnist.pkl.gz")
    assert env.keys() == {"LANG", "LC_ALL", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES",
                          "NBGRADER_EXECUTION", "MPLBACKEND", "HOME", "USER", "LOGNAME", "MPLCONFIGDIR",
                          "IPYTHONDIR", "PATH", "WORKBOOK_MNIST"}
    assert env["HOME"] == "/tmp" and env["WORKBOOK_MNIST"] == "/run/workbook/mnist.pkl.gz"
    assert kernel_environment(grader, sandboxed=False)["JPY_PARENT_PID"] == "4242"  # ipykernel watches its parent


def test_an_unsandboxed_kernel_gets_the_same_clean_environment(monkeypatch, tmp_path):
    """`--sandbox off` still scrubs: a real kernel, started as the grader starts them."""
    from nbclient import NotebookClient

    from workbook.grading.sandbox import SandboxedKernelManager

    for name, value in SECRET_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WORKBOOK_SANDBOX", "off")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(sorted(os.environ.items()))")])
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=SandboxedKernelManager,
                            resources={"metadata": {"path": str(tmp_path)}}, timeout=120)
    asyncio.run(client.async_execute())
    out = nb.cells[0].outputs[0]["text"]
    assert "('HOME', '/tmp')" in out
    assert [name for name, value in SECRET_ENVIRONMENT.items() if value in out or name in out] == []


def _can_run_as(uid: int) -> str | None:
    """Why a plain user cannot run this environment's Python here, or None when it can."""
    probe = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", sys.executable, "-c",
                            "import sys, workbook.grading; print(sys.base_prefix)"], capture_output=True, text=True,
                           cwd="/")
    if probe.returncode == 0 and probe.stdout.strip() == sys.base_prefix:
        return None
    return (f"an unprivileged user cannot run this environment's interpreter here: its base, {sys.base_prefix}, "
            f"is not readable by uid {uid} (that user got {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}), "
            "so it could not run `workbook grade` either")


def test_a_plain_user_grader_keeps_its_own_secrets_too():
    """The same attack with the grader run as a plain user (``nobody``), where this machine lets
    one run its Python; where it does not (an interpreter under root's 0700 home), the skip
    says so: such a user could not run `workbook grade` at all."""
    if os.geteuid() != 0:
        pytest.skip("the suite runs as a plain user already: the snooping test above is this test")
    uid = 65534
    why = _can_run_as(uid)
    if why:
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix="wb-plain-grader-", dir="/var/tmp"))  # not under root's 0700 tmp
    planted = Planted(folder)  # its home is the plain user's own; the other course and /root stay root's
    try:
        course = _course(folder / "plain")
        _hand_in(course, "eve", planted.code())
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, uid, uid, follow_symlinks=False)
        env = {**os.environ, **planted.environment(), "WORKBOOK_SANDBOX": "require"}
        proc = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", sys.executable, "-m",
                               "workbook.cli", "grade", "--root", str(course), "--jobs", "1"],
                              env=env, capture_output=True, text=True, timeout=600, cwd=folder)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        autograded = (course / "autograded" / "eve" / A / f"{A}.ipynb").read_text()
        assert "SNOOP DONE" in autograded
        leaked = [label for label, secret in planted.all_secrets().items() if secret in autograded]
        assert leaked == [], f"the kernel read {leaked}"
    finally:
        planted.clean_up()
        shutil.rmtree(folder, ignore_errors=True)


# Killing the grader -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_course(tmp_path_factory):
    return _course(tmp_path_factory.mktemp("kill"))


def _sandbox_processes(marker: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(marker in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"])):
            return
        time.sleep(0.5)
    raise AssertionError(f"the sleeping cell ({marker}) never started")


def _alive(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(" ".join(process.cmdline())[:200])
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_killed_grader_leaves_no_kernel_running(built_course, tmp_path, signum):
    course = tmp_path / "course"
    shutil.copytree(built_course, course)
    marker = str(7000 + signum)  # `sleep 7009`: the sleeping cell's own process, found by its command line
    _hand_in(course, "sleeper", f"import subprocess, time\nsubprocess.Popen(['sleep', '{marker}'])\ntime.sleep(600)\n")
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--jobs", "1",
                               "--cell-timeout", "900"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              preexec_fn=ctrl_c_as_in_a_terminal)
    tree: list[psutil.Process] = []
    try:
        _sandbox_processes(f"sleep {marker}")
        tree = [psutil.Process(grader.pid), *psutil.Process(grader.pid).children(recursive=True)]
        assert any("bwrap" in " ".join(p.cmdline()) for p in tree), "no sandbox among the grader's processes"
        started = time.monotonic()
        grader.send_signal(signum)
        while _alive(tree) and time.monotonic() - started < 10:
            time.sleep(0.1)
            grader.poll()
        left = _alive(tree) + [" ".join(p.info["cmdline"]) for p in psutil.process_iter(["cmdline"])
                               if f"sleep {marker}" in " ".join(p.info["cmdline"] or [])]
        print(f"{signum.name}: every grading process and kernel gone after {time.monotonic() - started:.1f} s")
        assert left == [], f"still running 10 s after {signum.name}: {left}"
    finally:  # whatever failed, nothing of this test's grader stays behind
        for process in tree:  # psutil checks that each is still the process it was
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        if grader.poll() is None:
            grader.kill()
        grader.wait()


def test_a_read_only_path_from_the_config_is_visible_and_nothing_else_of_the_host(tmp_path):
    """``c.SandboxedKernelManager.read_only_paths`` reaches the kernel manager nbclient makes
    (it passes nbgrader's config on), and adds exactly that path, read-only."""
    from traitlets.config import Config

    from workbook.grading.sandbox import SandboxedKernelManager

    data = Path(tempfile.mkdtemp(prefix="wb-course-data-", dir="/var/tmp"))
    try:
        (data / "table.csv").write_text("x,y\n")
        data.chmod(0o755)
        (data / "table.csv").chmod(0o644)
        config = Config()
        config.SandboxedKernelManager.read_only_paths = [str(data)]
        assert SandboxedKernelManager(config=config).read_only_paths == [str(data)]
        private = Path(tempfile.mkdtemp(prefix="wbk-test-"))
        sandbox.give_to_kernel_user(private)
        code = (f"print(open({str(data / 'table.csv')!r}).read().strip())\n"
                f"try:\n    open({str(data / 'new')!r}, 'w')\nexcept OSError as e:\n    print(type(e).__name__)\n"
                "import os\nprint(sorted(os.listdir('/')))\n")

        def run(extra):
            cmd = sandbox.bubblewrap_command([sys.executable, "-c", code], cwd=private, private=private, extra=extra)
            return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                  env=kernel_environment(os.environ, sandboxed=True))

        seen, unseen = run([str(data)]), run([])
        assert seen.stdout.splitlines()[:2] == ["x,y", "OSError"], seen.stdout + seen.stderr
        assert unseen.returncode != 0 and "FileNotFoundError" in unseen.stderr
        top = set(eval(seen.stdout.splitlines()[2]))
        allowed = {*sandbox.SYSTEM_FOLDERS, "dev", "proc", "tmp", "etc", "run",  # run: full MNIST, if any
                   *(p.parts[1] for p in [*sandbox.python_paths(), data, private])}
        assert top <= allowed, top - allowed  # the root holds the allow-list only
    finally:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
