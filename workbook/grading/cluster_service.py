"""`workbook cluster`: the course's Dask cluster, secure by default.

`certificates` makes the course CA and its certificates (cluster_tls.py); `export` copies
what one machine needs; `scheduler` and `worker` start Dask's own programs (`dask scheduler`,
`dask worker`) with TLS and required client certificates, so that only machines holding a
certificate of this course's CA can join or submit work; `commands` prints the same as plain
`dask` commands and Dask configuration, for dask-jobqueue, dask-kubernetes or your own
scripts. We start Dask's programs rather than our own servers: the flags are documented and
the same on every machine.
"""

import os
import shutil
import sys
from pathlib import Path

from . import cluster_tls

DEFAULT_PORT = 8786  # Dask's
ENCRYPTION = {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True"}  # refuse any plain connection
# Dask's HTTP server has no login and, even without the dashboard, serves pages about the
# cluster (workers, tasks, metrics): only its health check stays, for orchestrators.
HEALTH_ONLY = {"DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES": '["distributed.http.health"]',
               "DASK_DISTRIBUTED__WORKER__HTTP__ROUTES": '["distributed.http.health"]'}


def _dask() -> str:
    beside = Path(sys.executable).parent / "dask"  # this environment's, not another one on PATH
    found = str(beside) if beside.exists() else shutil.which("dask")
    if not found:
        raise RuntimeError("Dask's `dask` command is missing: pip install -c constraints.txt -e '.[instructor]'")
    return found


def tls_flags(tls_dir: Path, role: str) -> list[str]:
    ca, cert, key = cluster_tls.role_files(tls_dir, role)
    return ["--tls-ca-file", str(ca), "--tls-cert", str(cert), "--tls-key", str(key)]


def scheduler_command(tls_dir: Path, host: str, port: int, scheduler_file: str | None = None,
                      dashboard: str | None = None) -> list[str]:
    cmd = [_dask(), "scheduler", "--protocol", "tls", "--host", host, "--port", str(port), *tls_flags(tls_dir, "scheduler")]
    cmd += ["--dashboard-address", dashboard] if dashboard else ["--no-dashboard", "--dashboard-address", "127.0.0.1:0"]
    return cmd + (["--scheduler-file", scheduler_file] if scheduler_file else [])


def worker_command(tls_dir: Path, address: str | None, *, scheduler_file: str | None = None, name: str | None = None,
                   nworkers: int = 1, nthreads: int = 1, host: str | None = None,
                   local_directory: str | None = None) -> list[str]:
    if not address and not scheduler_file:
        raise RuntimeError("give the scheduler's tls:// address (or --scheduler-file)")
    if address and not address.startswith("tls://"):
        raise RuntimeError(f"{address}: give the tls:// address that `workbook cluster scheduler` printed")
    cmd = [_dask(), "worker", *([address] if address else ["--scheduler-file", scheduler_file]),
           *tls_flags(tls_dir, "worker"), "--nworkers", str(nworkers), "--nthreads", str(nthreads), "--no-dashboard"]
    for flag, value in (("--name", name), ("--host", host), ("--local-directory", local_directory)):
        if value:
            cmd += [flag, value]
    return cmd


def _exec(cmd: list[str], dashboard: bool = False):
    """Become Dask's program (signals, exit status and logs are its own)."""
    sys.stdout.flush()
    os.execve(cmd[0], cmd, {**os.environ, **ENCRYPTION, **({} if dashboard else HEALTH_ONLY)})


def _certificates(args) -> int:
    tls_dir = cluster_tls.chosen_dir(args.tls_dir)
    made = cluster_tls.create(tls_dir, course_root=args.root, hosts=args.host or ())
    print(f"course CA and certificates in {tls_dir} ({'made: ' + ', '.join(p.name for p in made) if made else 'all there already'})")
    print("copy to each machine only what it needs (workbook cluster export ROLE FOLDER):")
    print("  scheduler machine: ca.pem scheduler.pem scheduler.key")
    print("  worker machines:   ca.pem worker.pem worker.key")
    print("  grader (you):      ca.pem client.pem client.key")
    print("ca.key signs new members of the cluster: it never leaves this folder")
    return 0


def _export(args) -> int:
    tls_dir = cluster_tls.chosen_dir(args.tls_dir)
    ca, cert, key = cluster_tls.role_files(tls_dir, args.role)
    target = Path(args.folder).expanduser().resolve()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    for source in (ca, cert, key):
        shutil.copyfile(source, target / source.name)
        os.chmod(target / source.name, 0o600 if source == key else 0o644)
    print(f"{target}: ca.pem {cert.name} {key.name}; on that machine: --tls-dir {target} "
          "(or put them in ~/.config/workbook/tls/<course>)")
    return 0


def _scheduler(args) -> int:
    cmd = scheduler_command(cluster_tls.chosen_dir(args.tls_dir), args.host, args.port, args.scheduler_file,
                            args.dashboard_address)
    address = f"tls://{args.host}:{args.port}" if args.port else f"tls://{args.host}:<port in 'Scheduler at' below>"
    print(f"Dask scheduler for this course at {address}: TLS only, every peer must show a certificate of "
          f"{cluster_tls.ca_file(cluster_tls.chosen_dir(args.tls_dir))}")
    print(f"  workers join with:  cd COURSE && workbook cluster worker {address}")
    print(f"  grade with:         workbook grade --cluster {address} --db postgresql://...")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"  firewall: let only the worker machines and the grader reach port {args.port or '(chosen)'}")
    _exec(cmd, dashboard=bool(args.dashboard_address))
    return 1  # not reached


def _worker(args) -> int:
    root = Path(args.root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise RuntimeError(f"{root} is not the course folder (no nbgrader_config.py): start workers in the shared "
                           "course folder, or give --root")
    cmd = worker_command(cluster_tls.chosen_dir(args.tls_dir), args.address, scheduler_file=args.scheduler_file,
                         name=args.name, nworkers=args.nworkers, nthreads=args.nthreads, host=args.host,
                         local_directory=args.local_directory)
    os.chdir(root)
    _exec(cmd)
    return 1  # not reached


def _commands(args) -> int:
    tls_dir = cluster_tls.chosen_dir(args.tls_dir)
    host, port = args.host, args.port
    print("# the scheduler (on its machine; Dask's dashboard has no login, so it stays off):")
    env = " ".join(f"{k}='{v}'" for k, v in {**ENCRYPTION, **HEALTH_ONLY}.items())
    print(f"{env} {' '.join(scheduler_command(tls_dir, host, port))}")
    print("# each worker, started in the shared course folder:")
    print(f"cd COURSE && {env} {' '.join(worker_command(tls_dir, f'tls://{host}:{port}', nthreads=2))}")
    print("# or the same as Dask configuration (~/.config/dask/workbook.yaml on the machine, or the")
    print("# DASK_DISTRIBUTED__COMM__TLS__... variables), what dask-jobqueue and dask-kubernetes read:")
    ca, cert, key = (str(p) for p in (cluster_tls.ca_file(tls_dir), *cluster_tls.paths(tls_dir, "worker")))
    print("distributed:\n  scheduler:\n    http:\n      routes: [distributed.http.health]")
    print("  worker:\n    http:\n      routes: [distributed.http.health]")
    print("  comm:\n    require-encryption: true\n    tls:")
    print(f"      ca-file: {ca}\n      worker:\n        cert: {cert}\n        key: {key}")
    print("# and the grader: workbook grade --cluster tls://HOST:PORT (its client certificate from --tls-dir)")
    return 0


def add_cluster_command(sub):
    """`workbook cluster ...` on the `workbook` command's sub-parsers."""
    p = sub.add_parser("cluster", help="a TLS-only Dask cluster for grading: certificates, scheduler, workers",
                       description=__doc__.split("\n\n")[0])
    actions = p.add_subparsers(dest="action", required=True)

    def action(name, func, help_text):
        a = actions.add_parser(name, help=help_text, description=help_text)
        a.add_argument("--tls-dir", default=None, help="the certificates' private folder "
                       "(default: ~/.config/workbook/tls/<course id>)")
        a.set_defaults(func=func)
        return a

    c = action("certificates", _certificates, "make the course CA and the scheduler, worker and client "
               "certificates where missing (kept when there)")
    c.add_argument("--root", type=Path, default=Path("."), help="the course folder (the certificates must not be in it)")
    c.add_argument("--host", action="append", default=None, metavar="NAME_OR_IP",
                   help="a name or address of the scheduler's machine, written into the certificates (repeatable)")
    e = action("export", _export, "copy the CA certificate and one role's certificate and key to a folder, for that machine")
    e.add_argument("role", choices=cluster_tls.ROLES)
    e.add_argument("folder")
    s = action("scheduler", _scheduler, "start the Dask scheduler: TLS only, client certificates required")
    s.add_argument("--host", default="127.0.0.1", help="the interface to listen on (default: 127.0.0.1, this "
                   "machine only; give the address the workers and the grader reach it at)")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}; 0: any free port")
    s.add_argument("--scheduler-file", default=None, help="write the scheduler's address there (Dask's file)")
    s.add_argument("--dashboard-address", default=None, metavar="HOST:PORT",
                   help="start Dask's dashboard there (it has no login: keep it on 127.0.0.1)")
    w = action("worker", _worker, "start Dask workers in the course folder that join the scheduler over TLS")
    w.add_argument("address", nargs="?", default=None, help="the scheduler's tls:// address")
    w.add_argument("--root", type=Path, default=Path("."), help="the shared course folder (default: .)")
    w.add_argument("--scheduler-file", default=None, help="read the scheduler's address from Dask's file")
    w.add_argument("--name", default=None)
    w.add_argument("--nworkers", type=int, default=1)
    w.add_argument("--nthreads", type=int, default=1, help="notebooks this worker grades at once (default: 1)")
    w.add_argument("--host", default=None, help="the interface this worker listens on (default: Dask's choice)")
    w.add_argument("--local-directory", default=None, help="its scratch folder (the submissions being graded)")
    m = action("commands", _commands, "print the plain `dask` commands and Dask configuration that do the same")
    m.add_argument("--host", default="SCHEDULER_HOST")
    m.add_argument("--port", type=int, default=DEFAULT_PORT)
    return p
