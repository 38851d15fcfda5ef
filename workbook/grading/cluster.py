"""`workbook grade --cluster tls://HOST:PORT`: grade a class on a running Dask cluster.

Dask's distributed scheduler does what `--shard K/N` leaves to the instructor: it hands the
next submission to whichever worker is free, and when a worker is lost it gives that
worker's submissions to another. We use it rather than a scheduler of our own; this module
only adds what grading needs on top of it:

- who may connect: the course's client certificate over TLS (cluster_tls.py; the cluster
  itself is started by `workbook cluster`, cluster_service.py); a plain tcp:// scheduler on
  another machine is refused before connecting, unless the instructor says --insecure-cluster;
- preconditions, checked before any grading: a PostgreSQL gradebook (SQLite is one file on
  one machine), and every worker started in the course folder, seeing the same folder (not
  a copy) with the same nbgrader_config.py, with a working sandbox unless `--sandbox off`;
- a worker plugin that keeps long-lived grading processes on each worker (worker.py,
  one per worker thread), each in a private scratch course with its own SQLite gradebook
  (cluster_results.py): workers never hold the gradebook's URL or credentials;
- one task per submission, graded by `grading.grade_one` exactly as locally; its result is
  checked and written into the gradebook, autograded/ and feedback/ here, by the grader
  alone. A task that fails for a reason that is not the student's (a worker lost, a grading
  process that did not start) is run again by Dask, elsewhere if need be.

The progress bar, summary, grade table, grades.csv and exit status come from run.py,
as in a local run.
"""

import asyncio
import hashlib
import ipaddress
import os
import queue
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path

from distributed import Client, WorkerPlugin, as_completed, get_worker
from distributed.comm import get_address_host, parse_address

from . import cluster_results, cluster_tls, gradebook, sandbox
from . import run as grading
from .contracts import GradingOptions, SubmissionOutcome

RETRIES = 2  # Dask runs a task again this often when it raises (a worker lost is retried apart)
CONNECT_TIMEOUT_S = 30
WAIT_FOR_WORKERS_S = 60
# What a failure that is not the student's looks like in nbgrader's output after grade_one's own
# retries (the worker's scratch gradebook failed, its grading process did not start). Raised,
# so that Dask runs the task again.
NOT_THE_STUDENTS = ("OperationalError", "could not connect to server", "connection to server",
                    "server closed the connection", "the grading process did not start")
TOKEN_PREFIX = ".cluster-"
TOKEN_WAIT_S = 30  # NFS may cache "no such file" for up to acdirmax (30-60 s)
GRADED_BY = "cluster-workers.log"  # in grading-logs/: which worker graded what (to regrade a bad worker's share)


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
    """Per Dask worker: grading processes kept from one submission to the next, each with its
    private scratch course (cluster_results.py), and no gradebook credentials.

    Registered for one run (a name of its own) and removed at its end; a worker that joins
    mid-run gets it too, and checks itself as the first workers were checked.
    """

    idempotent = False

    def __init__(self, root: str, structure: bytes, cell_timeout: int | None, expected_hash: str,
                 token: str, chosen: GradingOptions, threads_per_host: dict[str, int]):
        self.root, self.structure, self.cell_timeout = root, structure, cell_timeout
        self.expected_hash, self.token, self.chosen = expected_hash, token, chosen
        self.threads_per_host = threads_per_host

    async def setup(self, worker):
        self.name = str(worker.name)
        self.problems = await asyncio.to_thread(inspect_worker, self.root, self.expected_hash, self.token, self.chosen)
        # Notebooks graded at once on this machine, by all its workers: each kernel's share of
        # the cores (grading.kernel_threads), as with --jobs locally.
        self.jobs = self.threads_per_host.get(get_address_host(worker.address), worker.state.nthreads)
        self.scratch = Path(worker.local_directory)
        self.hidden = cluster_results.tls_folders(worker.security)  # the kernels must not see the worker's keys
        self.idle: queue.SimpleQueue = queue.SimpleQueue()
        self.started: list[cluster_results.ScratchGrader] = []
        self.lock = threading.Lock()

    def _take(self) -> cluster_results.ScratchGrader:
        """An idle grading process, or a new one: at most one per worker thread gets made."""
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            with self.lock:
                name = f"dask-{os.getpid()}-{len(self.started)}"
                grader = cluster_results.ScratchGrader(Path(self.root), self.scratch, self.structure, self.cell_timeout,
                                                       name, self.jobs, self.chosen, self.hidden)
                self.started.append(grader)
            return grader

    def grade(self, sub: grading.Submission, prior: dict | None) -> cluster_results.GradedResult:
        if self.problems:
            raise NotTheStudentsFault(f"worker {self.name} cannot grade: {'; '.join(self.problems)}")
        grader = self._take()
        try:
            result = grader.grade(self.token, sub, prior)
            result.worker = self.name
        finally:
            self.idle.put(grader)
        if result.problem is not None and any(marker in result.problem for marker in NOT_THE_STUDENTS):
            raise NotTheStudentsFault(result.problem)
        return result

    def stop(self):
        """Kill the grading processes and their kernels now (the run was interrupted)."""
        for grader in list(self.started):
            grader.stop()

    async def teardown(self, worker):
        await asyncio.to_thread(lambda: [grader.close() for grader in self.started])


def _grade_task(sub: grading.Submission, prior: dict | None, plugin_name: str):
    return get_worker().plugins[plugin_name].grade(sub, prior)


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_security(address: str, tls_dir=None, insecure: bool = False):
    """Dask's ``Security`` for connecting to ``address``: the course's client certificate for
    ``tls://``; None (plain) for ``tcp://`` on this machine, or anywhere with ``insecure``.

    Refused before any connection is tried: a plain address elsewhere (whoever reaches that
    port can run code on the workers), or a tls:// address without this grader's certificate."""
    scheme, _ = parse_address(address)
    if scheme == "tls":
        return cluster_tls.security(tls_dir, "client")
    if scheme != "tcp":
        raise RuntimeError(f"--cluster {address}: give the tls:// address that `workbook cluster scheduler` printed")
    host = get_address_host(address)
    if not _is_loopback(host) and not insecure:
        raise RuntimeError(
            f"refusing to grade on {address}: a plain tcp:// scheduler has no authentication, so anyone who can "
            "reach that port can run code on the workers as their user, read the hidden tests and solutions and "
            "falsify grades. Start the cluster with `workbook cluster scheduler` / `workbook cluster worker` and "
            "give its tls:// address, or add --insecure-cluster if only you can reach that network")
    return None


def _connect(address: str, security, connect_timeout: float = CONNECT_TIMEOUT_S):
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False, security=security)
    except OSError as error:  # TimeoutError and ssl.SSLError included
        if security is not None:
            raise RuntimeError(
                f"cannot connect to the Dask scheduler at {address} over TLS ({type(error).__name__}: {error}): "
                f"it is not running there, or it refused this grader's certificate ({security.tls_client_cert}: "
                "made by another course's CA, or a CA made again since?)") from None
        raise RuntimeError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_S)
    except TimeoutError:
        client.close()
        raise RuntimeError(f"no Dask worker joined the scheduler at {address} within {WAIT_FOR_WORKERS_S} s: "
                           "start some (cd COURSE && workbook cluster worker ADDRESS)") from None
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
          options: GradingOptions | None = None, progress: bool = True, log=print, tls_dir=None,
          insecure: bool = False, connect_timeout: float | None = None) -> grading.GradeRun:
    """Grade every submission under ``submitted/`` on the Dask cluster at ``address``; its
    workers' kernels run as ``options`` say (default: as this process's environment says).

    ``tls_dir``: where this grader's client certificate is (default: cluster_tls.default_dir);
    ``insecure``: allow a plain tcp:// scheduler on another machine."""
    root = Path(root).resolve()
    security = client_security(address, tls_dir, insecure)  # before anything else: nothing is sent on a refusal
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
        client = _connect(address, security, connect_timeout or CONNECT_TIMEOUT_S)
        if security is None:
            log(f"WARNING: {address} is a plain tcp:// scheduler: whoever can connect to it can run code on the "
                "workers and falsify this run's grades (use `workbook cluster` and its tls:// address)")
        check_workers(client, root, expected_hash, token, chosen)
        threads = threads_per_host(client)
        log(f"grading on {len(threads)} machine(s), {sum(threads.values())} notebook(s) at a time, at {address}")
        if chosen.sandbox == "off":
            log("WARNING: grading WITHOUT the sandbox (--sandbox off): student code runs with the workers' "
                "permissions; it can read the hidden tests and the workers' certificates. The summary and "
                "`workbook report` will say so.")
        run = grading.GradeRun(sandboxed=chosen.sandbox != "off", logs=root / grading.LOG_FOLDER)
        subs = grading.find_submissions(root)
        if not subs:
            log("no submissions found under submitted/<student>/<assignment>/")
        grading.ensure_assignments(root, {s.assignment for s in subs}, db_url, log, options=chosen)
        gradebook.add_students(db_url, {s.student for s in subs})
        with tempfile.TemporaryDirectory(prefix="workbook-structure-") as folder:
            structure = cluster_results.structure(db_url, {s.assignment for s in subs}, Path(folder))
        plugin = GradingPlugin(str(root), structure, cell_timeout, expected_hash, token, chosen, threads)
        _grade_all(client, subs, run, plugin, cluster_results.prior_records(db_url, subs), root, db_url, progress)
    finally:
        token_path.unlink(missing_ok=True)
        if client is not None:
            client.close()
    run.graded.sort()
    run.failed.sort()
    run.grades_csv = grading.export_grades(root, db_url)
    run.seconds = time.monotonic() - started
    return run


def _grade_all(client, subs, run, plugin: GradingPlugin, priors: dict, root: Path, db_url: str, progress: bool):
    """A task per submission; each result checked and written here (workers have no gradebook),
    outcomes recorded as they come, like a local run's."""
    name = f"workbook-grading-{plugin.token}"
    client.register_plugin(plugin, name=name)
    try:
        futures = {client.submit(_grade_task, sub, priors[(sub.student, sub.assignment)], name,
                                 key=f"grade-{sub.student}-{sub.assignment}-{plugin.token}",
                                 retries=RETRIES, pure=False): sub for sub in subs}
        results = queue.SimpleQueue()
        graded_by: list[str] = []

        def report():
            """Write each finished task's result, then hand grading._collect its outcome (a thread of its own)."""
            pending = dict(futures)
            try:
                for future in as_completed(list(futures), loop=client.loop):
                    sub = pending[future]
                    if future.status == "finished":
                        result = future.result()
                        graded_by.append(f"{sub.student}/{sub.assignment}\t{getattr(result, 'worker', '?')}\n")
                        results.put(cluster_results.record(result, sub, plugin.token, root, db_url))
                    elif future.status == "error":
                        error = future.exception()
                        grading.forget(sub, root, db_url)
                        results.put(SubmissionOutcome(sub, f"not graded on the cluster: {type(error).__name__}: {error}"))
                    else:  # cancelled: the scheduler went away
                        results.put(SubmissionOutcome(sub, f"not graded on the cluster: the task was {future.status}"))
                    del pending[future]
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
            (root / grading.LOG_FOLDER / GRADED_BY).write_text("".join(sorted(graded_by)))
    finally:
        try:
            client.unregister_worker_plugin(name)
        except Exception:  # noqa: BLE001 - a worker gone meanwhile; its plugin went with it
            pass
