"""Start a program with a memory limit: ``python -m workbook.limits BYTES -- cmd ...``.

The grader launches each student kernel through this, so a submission that allocates far
too much memory fails with MemoryError instead of taking the machine down. RLIMIT_DATA
counts heap and anonymous mappings (what tensors use) but not the large reserved address
ranges that CUDA makes, so the GPU keeps working under it.
"""

import os
import resource
import sys


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: python -m workbook.limits BYTES -- command [args...]")
    limit = int(argv[0])
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    os.execvp(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
