"""`workbook grade --cluster tcp://HOST:PORT`: grade a class on a running Dask cluster.

Dask's distributed scheduler does what `--shard K/N` leaves to the instructor: it hands the
next submission to whichever worker is free, and when a worker is lost it gives that
worker's submissions to another. We use it rather than a scheduler of our own; this module
only adds what grading needs on top of it:

- preconditions, checked before any grading: a PostgreSQL gradebook (SQLite is one file on
  one machine), and every worker started in the course folder, seeing the same folder (not
  a copy) with the same nbgrader_config.py, with a working sandbox unless `--sandbox off`;
- a worker plugin that keeps long-lived grading processes on each worker (worker.py,
  one per worker thread), as a local run keeps one per job;
- one task per submission, graded by `grading.grade_one` exactly as locally; a task that
  fails for a reason that is not the student's (a worker lost, the database unreachable)
  is run again by Dask, elsewhere if need be.

The progress bar, summary, grade table, grades.csv and exit status come from run.py,
as in a local run.
"""

import asyncio
import hashlib
import os
import queue
import socket
import threading
import time
import uuid
from pathlib import Path

from distributed import Client, WorkerPlugin, as_completed, get_worker
from distributed.comm import get_address_host

from . import gradebook, sandbox
from . import run as grading
from .contracts import GradingOptions, SubmissionOutcome

RETRIES = 2  # Dask runs a task again this often when it raises (a worker lost is retried apart)
CONNECT_TIMEOUT_S = 30
WAIT_FOR_WORKERS_S = 60
# What a failure that is not the student's looks like in nbgrader's output after grade_one's own
# retries: the gradebook server could not be reached. Raised, so that Dask runs the task again.
NOT_THE_STUDENTS = ("OperationalError", "could not connect to server", "connection to server",
                    "server closed the connection", "the grading process did not start")
TOKEN_PREFIX = ".cluster-"
TOKEN_WAIT_S = 30  # NFS may cache "no such file" for up to acdirmax (30-60 s)


class NotTheStudentsFault(RuntimeError):
    """A submission could not be graded for a reason of the machine's: Dask retries it."""


def config_hash(root: Path) -> str | None:
    path = Path(root) / "nbgrader_config.py"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _sees(path: Path, wait: float) -> bool:
    """Whether ``path`` can be opened here within ``wait`` s: a network file system may take a
    moment to show a file another machine just made (opening, not stat, asks the server)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with open(path):
                return True
        except FileNotFoundError:
            if time.monotonic() > deadline:
                return False
            time.sleep(1)


def inspect_worker(root: str, expected_hash: str, token: str, chosen: GradingOptions,
                   token_wait: float = TOKEN_WAIT_S) -> list[str]:
    """Why this process cannot grade the course at ``root`` with the client's options ``chosen``:
    an empty list when it can."""
    root_path = Path(root)
    problems = []
    here = Path.cwd().resolve()
    if here != root_path:
        problems.append(f"it was started in {here}, not in the course folder {root} "
                        f"(start it there: cd {root} && dask worker ...)")
    found = config_hash(root_path)
    if found is None:
        problems.append(f"it has no {root}/nbgrader_config.py (is the course folder mounted there?)")
    elif found != expected_hash:
        problems.append(f"its {root}/nbgrader_config.py differs from the one grading was started with")
    elif not _sees(root_path / grading.LOG_FOLDER / f"{TOKEN_PREFIX}{token}", token_wait):
        problems.append(f"its {root} is a copy, not the shared course folder (it does not see a file "
                        "just written there)")
    try:
        if not sandbox.enabled(chosen) and chosen.sandbox != "off":
            problems.append("bubblewrap does not work there (install it, or grade with --sandbox off)")
    except RuntimeError as error:  # the sandbox is required and missing: its own explanation
        problems.append(str(error))
    return problems


async def _inspect_on_worker(root, expected_hash, token, chosen, dask_worker=None) -> dict:
    # In a thread: the checks start bwrap and import nbgrader's stack, too long for the event loop.
    problems = await asyncio.to_thread(inspect_worker, root, expected_hash, token, chosen)
    return {"name": str(dask_worker.name), "host": socket.gethostname(), "problems": problems}


class GradingPlugin(WorkerPlugin):
    """Per Dask worker: grading processes kept from one submission to the next.

    Registered for one run (a name of its own) and removed at its end; a worker that joins
    mid-run gets it too, and checks itself as the first workers were checked.
    """

    idempotent = False

    def __init__(self, root: str, db_url: str, cell_timeout: int | None, expected_hash: str,
                 token: str, chosen: GradingOptions, threads_per_host: dict[str, int]):
        self.root, self.db_url, self.cell_timeout = root, db_url, cell_timeout
        self.expected_hash, self.token, self.chosen = expected_hash, token, chosen
        self.threads_per_host = threads_per_host

    async def setup(self, worker):
        self.name = str(worker.name)
        self.problems = await asyncio.to_thread(inspect_worker, self.root, self.expected_hash, self.token, self.chosen)
        # Notebooks graded at once on this machine, by all its workers: each kernel's share of
        # the cores (grading.kernel_threads), as with --jobs locally.
        self.jobs = self.threads_per_host.get(get_address_host(worker.address), worker.state.nthreads)
        self.idle: queue.SimpleQueue = queue.SimpleQueue()
        self.started: list = []
        self.lock = threading.Lock()

    def _take(self):
        """An idle grading process, or a new one: at most one per worker thread gets made."""
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            with self.lock:
                name = f"dask-{os.getpid()}-{len(self.started)}"
                process = grading.start_worker(Path(self.root), self.db_url, self.cell_timeout, name, self.jobs,
                                               options=self.chosen)
                self.started.append(process)
            return process

    def grade(self, sub: grading.Submission) -> SubmissionOutcome:
        if self.problems:
            raise NotTheStudentsFault(f"worker {self.name} cannot grade: {'; '.join(self.problems)}")
        process = self._take()
        try:
            outcome = grading.grade_one(sub, process, Path(self.root), self.db_url, options=self.chosen)
        finally:
            self.idle.put(process)
        if outcome.problem is not None and any(marker in outcome.problem for marker in NOT_THE_STUDENTS):
            raise NotTheStudentsFault(outcome.problem)
        return outcome

    def stop(self):
        """Kill the grading processes and their kernels now (the run was interrupted)."""
        for process in list(self.started):
            process.stop()

    async def teardown(self, worker):
        await asyncio.to_thread(lambda: [process.close() for process in self.started])


def _grade_task(sub: grading.Submission, plugin_name: str):
    return get_worker().plugins[plugin_name].grade(sub)


def _stop_on_worker(plugin_name: str, dask_worker=None):
    plugin = dask_worker.plugins.get(plugin_name)
    if plugin is not None:
        plugin.stop()


def require_postgresql(db_url: str):
    if not db_url.startswith("postgresql"):
        raise RuntimeError(
            f"--cluster needs a PostgreSQL gradebook (--db postgresql://user@host/course, or "
            f"c.CourseDirectory.db_url in nbgrader_config.py), not {db_url.split('?')[0]}: SQLite is "
            "a file that only one machine can safely write to (its locks do not work over network "
            "file systems)")


def _connect(address: str):
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except OSError as error:
        raise RuntimeError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_S)
    except TimeoutError:
        client.close()
        raise RuntimeError(f"no Dask worker joined the scheduler at {address} within {WAIT_FOR_WORKERS_S} s: "
                           "start some (cd COURSE && dask worker ADDRESS)") from None
    return client


def check_workers(client, root: Path, expected_hash: str, token: str, chosen: GradingOptions):
    """Refuse to start unless every worker can grade this course; name each one that cannot."""
    answers = client.run(_inspect_on_worker, str(root), expected_hash, token, chosen)
    refused = [f"  worker {a['name']} ({address}, host {a['host']}): {problem}"
               for address, a in sorted(answers.items()) for problem in a["problems"]]
    if refused:
        raise RuntimeError("some Dask workers cannot grade this course; nothing was graded:\n" + "\n".join(refused))


def threads_per_host(client) -> dict[str, int]:
    """Worker threads on each machine (its address), all workers on it together."""
    threads: dict[str, int] = {}
    for address, info in client.scheduler_info(n_workers=-1)["workers"].items():
        host = get_address_host(address)
        threads[host] = threads.get(host, 0) + info["nthreads"]
    return threads


def grade(root, address: str, *, db_url: str | None = None, cell_timeout: int | None = None,
          options: GradingOptions | None = None, progress: bool = True, log=print) -> grading.GradeRun:
    """Grade every submission under ``submitted/`` on the Dask cluster at ``address``; its
    workers' kernels run as ``options`` say (default: as this process's environment says)."""
    root = Path(root).resolve()
    db_url = gradebook.configured_url(root, db_url)
    require_postgresql(db_url)
    expected_hash = config_hash(root)
    if expected_hash is None:
        raise FileNotFoundError(f"{root}/nbgrader_config.py: not a course folder")
    chosen = GradingOptions.given_or_environment(options)  # the workers honour it too
    started = time.monotonic()
    token = uuid.uuid4().hex
    token_path = root / grading.LOG_FOLDER / f"{TOKEN_PREFIX}{token}"
    token_path.parent.mkdir(exist_ok=True)
    token_path.write_text("written by workbook grade --cluster, removed when it ends\n")
    client = None
    try:
        client = _connect(address)
        check_workers(client, root, expected_hash, token, chosen)
        threads = threads_per_host(client)
        log(f"grading on {len(threads)} machine(s), {sum(threads.values())} notebook(s) at a time, at {address}")
        if chosen.sandbox == "off":
            log("WARNING: grading WITHOUT the sandbox (--sandbox off): student code runs with the workers' "
                "permissions; it can read the hidden tests and rewrite the gradebook. The summary and "
                "`workbook report` will say so.")
        run = grading.GradeRun(sandboxed=chosen.sandbox != "off", logs=root / grading.LOG_FOLDER)
        subs = grading.find_submissions(root)
        if not subs:
            log("no submissions found under submitted/<student>/<assignment>/")
        grading.ensure_assignments(root, {s.assignment for s in subs}, db_url, log, options=chosen)
        gradebook.add_students(db_url, {s.student for s in subs})
        _grade_all(client, subs, run, GradingPlugin(str(root), db_url, cell_timeout, expected_hash, token, chosen, threads),
                   progress)
    finally:
        token_path.unlink(missing_ok=True)
        if client is not None:
            client.close()
    run.graded.sort()
    run.failed.sort()
    run.grades_csv = grading.export_grades(root, db_url)
    run.seconds = time.monotonic() - started
    return run


def _grade_all(client, subs, run, plugin: GradingPlugin, progress: bool):
    """A task per submission; outcomes recorded as they come, like a local run's."""
    name = f"workbook-grading-{plugin.token}"
    client.register_plugin(plugin, name=name)
    try:
        futures = {client.submit(_grade_task, sub, name, key=f"grade-{sub.student}-{sub.assignment}-{plugin.token}",
                                 retries=RETRIES, pure=False): sub for sub in subs}
        results = queue.SimpleQueue()

        def report():
            """Turn each finished task into what grading._collect expects, in a thread of its own."""
            pending = dict(futures)
            try:
                for future in as_completed(list(futures), loop=client.loop):
                    sub = pending.pop(future)
                    if future.status == "finished":
                        results.put(future.result())
                    elif future.status == "error":
                        error = future.exception()
                        results.put(SubmissionOutcome(sub, f"not graded on the cluster: {type(error).__name__}: {error}"))
                    else:  # cancelled: the scheduler went away
                        results.put(SubmissionOutcome(sub, f"not graded on the cluster: the task was {future.status}"))
            except Exception as error:  # noqa: BLE001 - the run must still end, each submission accounted for
                for sub in pending.values():
                    results.put(SubmissionOutcome(sub, f"not graded on the cluster: {type(error).__name__}: {error}"))

        threading.Thread(target=report, daemon=True).start()
        try:
            grading._collect(subs, results, run, progress)
        except BaseException:  # Ctrl-C: drop the waiting tasks, kill the running ones' kernels
            client.cancel(list(futures), force=True)
            client.run(_stop_on_worker, name, on_error="ignore")
            raise
    finally:
        try:
            client.unregister_worker_plugin(name)
        except Exception:  # noqa: BLE001 - a worker gone meanwhile; its plugin went with it
            pass
