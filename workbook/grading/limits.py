"""Start a program with resource caps: ``python -m workbook.grading.limits [caps] -- cmd ...``.

The grader launches each student kernel through this, so that a submission that asks for
far too much fails in its own cell instead of taking the machine down:

- ``--memory BYTES``: RLIMIT_DATA. It counts heap and anonymous mappings (what tensors use)
  but not the large reserved address ranges that CUDA makes, so the GPU keeps working.
- ``--processes N``: RLIMIT_NPROC (processes and threads). Set inside the sandbox, where
  the kernel has a user namespace of its own, so it counts the sandbox's processes only;
  the kernel never binds root, which is why the grader also uses a pids cgroup.
- ``--cgroup DIR``: join that cgroup (a pids cgroup the grader made) before starting the
  program, so that everything it starts is counted there, root's processes included.

The standard library has each of these; only the order matters: caps first, then exec.

``die_with_parent()`` is for the grading processes: they end when `workbook grade` does,
however it ended (SIGKILL included), and their kernels with them (bwrap's --die-with-parent).
"""

import argparse
import os
import resource
import signal
import sys
import threading
import time


def main(argv: list[str]) -> None:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        raise SystemExit("usage: python -m workbook.grading.limits [--memory BYTES] [--processes N] [--cgroup DIR] "
                         "-- command [args...]")
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="workbook.grading.limits")
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--cgroup", default=None)
    caps = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if caps.cgroup:
        with open(os.path.join(caps.cgroup, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    if caps.memory > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (caps.memory, caps.memory))
    if caps.processes > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (caps.processes, caps.processes))
    os.execvp(command[0], command)


def die_with_parent(poll_s: float = 0.2):
    """Kill this process when its parent goes (it is then adopted: its parent pid changes).

    A grading process is started in a session of its own (so that a Ctrl-C reaches only the
    grader, which stops it), which also means nothing kills it when the grader is killed.
    prctl's PR_SET_PDEATHSIG would, but it fires when the *thread* that started the process
    ends, and grading processes are started from threads that end (Dask's): so we watch."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(poll_s)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
