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
"""

import argparse
import os
import resource
import sys


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


if __name__ == "__main__":
    main(sys.argv[1:])
