"""The student's ``workbook`` command: ``workbook check NOTEBOOK`` and ``workbook data download``."""

import argparse
import sys
from pathlib import Path


def check_main(args) -> int:
    from .check import CannotCheck, check, render

    status = 0
    for notebook in args.notebooks:
        try:
            verdict = check(notebook, timeout=args.timeout)
        except CannotCheck as problem:
            print(f"workbook check: {problem}", file=sys.stderr)
            status = max(status, 2)
            continue
        print(render(verdict))
        status = max(status, 0 if verdict.ready else 1)
    return status


def add_check_command(sub) -> None:
    """``check``, shared by the student's and the instructor's ``workbook`` command."""
    c = sub.add_parser("check", help="run a notebook from the top and say whether it is ready to submit",
                       description="Run each notebook from the top in a fresh kernel, as the grader does, and "
                       "say exercise by exercise whether its visible checks pass, and what would cost points "
                       "(unfinished exercises, errors, edited or deleted test cells). Exit 0 when ready.")
    c.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK")
    c.add_argument("--timeout", type=int, default=120, help="seconds per cell (default: 120)")
    c.set_defaults(func=check_main)


def add_data_command(sub) -> None:
    from ..data import DEFAULT_URL

    data = sub.add_parser("data", help="course data").add_subparsers(dest="data_command", required=True)
    dl = data.add_parser("download", help="download full MNIST (mnist.pkl.gz) into the user cache")
    dl.add_argument("--url", default=DEFAULT_URL)
    dl.add_argument("--dest", type=Path, default=None, help="where to save it (default: the user cache)")
    dl.set_defaults(func=download_main)


def download_main(args) -> int:
    from ..data import DownloadError, download_mnist

    try:
        path = download_mnist(url=args.url, dest=args.dest)
    except DownloadError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"full MNIST saved to {path}")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="workbook", description="The course's student tools.")
    sub = p.add_subparsers(dest="command", required=True)
    add_check_command(sub)
    add_data_command(sub)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
