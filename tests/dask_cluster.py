"""A real Dask cluster on 127.0.0.1 for the tests, as an instructor starts it: `workbook cluster
scheduler` and `workbook cluster worker` (Dask's `dask scheduler` and `dask worker` programs,
TLS only, with the course CA's certificates made by `workbook cluster certificates`), each
in a process group of its own, all killed at the end."""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from distributed import Client

from workbook.grading import cluster_tls

WORKBOOK = [sys.executable, "-m", "workbook.cli"]
START_TIMEOUT_S = 180  # two cores shared with other test runs: starting Python processes can be slow


def wait_for(condition, timeout: float, what: str):
    """Poll ``condition`` until it returns something true; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(parent, []).append(int(stat.parent.name))
    return tree


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (grading processes run in sessions of their own)."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += tree.get(current, [])
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def kill_tree(pid: int):
    """SIGKILL a process and everything it started, as when its machine goes away."""
    for process in descendants(pid):
        try:
            os.kill(process, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Cluster:
    def __init__(self, folder: Path, tls_dir: Path | None = None):
        self.folder = folder
        self.tls_dir = tls_dir or folder / "tls"
        self.scheduler_file = folder / "scheduler.json"
        self.processes: dict[str, subprocess.Popen] = {}
        self.client: Client | None = None

    @property
    def address(self) -> str:
        return json.loads(self.scheduler_file.read_text())["address"]

    def _start(self, name: str, cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")
        process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   env=env)
        log.close()
        self.processes[name] = process
        return process

    def start_scheduler(self):
        subprocess.run([*WORKBOOK, "cluster", "certificates", "--tls-dir", str(self.tls_dir)], check=True,
                       capture_output=True, cwd=self.folder)
        self._start("scheduler", [*WORKBOOK, "cluster", "scheduler", "--tls-dir", str(self.tls_dir), "--port", "0",
                                  "--scheduler-file", str(self.scheduler_file)], self.folder)
        wait_for(lambda: self.scheduler_file.exists() and "address" in self.scheduler_file.read_text(),
                 START_TIMEOUT_S, "the Dask scheduler to start")
        self.client = Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False,
                             security=cluster_tls.security(self.tls_dir, "client"))

    def worker_names(self) -> set[str]:
        return {str(w["name"]) for w in self.client.scheduler_info(n_workers=-1)["workers"].values()}

    def start_worker(self, name: str, cwd: Path, env: dict | None = None, tls_dir: Path | None = None):
        """`workbook cluster worker` for the course folder ``cwd`` (its environment ``env``, its
        certificates from ``tls_dir``); returns once the scheduler knows it."""
        scratch = self.folder / f"scratch-{name}"
        self._start(name, [*WORKBOOK, "cluster", "worker", "--scheduler-file", str(self.scheduler_file),
                           "--tls-dir", str(tls_dir or self.tls_dir), "--root", str(cwd), "--name", name,
                           "--nthreads", "1", "--host", "127.0.0.1", "--local-directory", str(scratch)], cwd, env)
        wait_for(lambda: name in self.worker_names(), START_TIMEOUT_S, f"worker {name} to join")

    def kill(self, name: str):
        """Kill a worker and everything below it; returns once the scheduler has noticed."""
        kill_tree(self.processes[name].pid)
        self.processes.pop(name).wait()
        wait_for(lambda: name not in self.worker_names(), START_TIMEOUT_S, f"the scheduler to drop {name}")

    def close(self):
        if self.client is not None:
            self.client.close()
        for process in self.processes.values():
            kill_tree(process.pid)
            process.wait()


@contextmanager
def cluster(folder: Path, workers: dict[str, Path], env: dict | None = None, tls_dir: Path | None = None):
    """A scheduler and one worker per name, each started in its folder (with ``env``); all killed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    running = Cluster(folder, tls_dir)
    try:
        running.start_scheduler()
        for name, cwd in workers.items():
            running.start_worker(name, cwd, env)
        yield running
    finally:
        running.close()
