"""A throwaway PostgreSQL server on 127.0.0.1 for the tests (Debian's `postgresql` package)."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is missing: apt-get install postgresql")
    return found[-1]


def _as_server_user(cmd):
    """PostgreSQL refuses to run as root; use the package's `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(database: str = "course"):
    """Yield the URL of a new database on a new server; remove both afterwards."""
    data = tempfile.mkdtemp(prefix="wbk-pg-")
    if os.geteuid() == 0:
        os.chown(data, pwd.getpwnam("postgres").pw_uid, -1)
    port = _free_port()
    run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, capture_output=True, text=True)  # noqa: E731
    run([_binary("initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
    run([_binary("pg_ctl"), "-D", data, "-w", "-l", f"{data}/log", "-o",
         f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    try:
        run([_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database])
        yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(_as_server_user([_binary("pg_ctl"), "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)
