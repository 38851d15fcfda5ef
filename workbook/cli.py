"""The `workbook` command: build, grade and demo the course; fetch full MNIST."""

import argparse
import sys
from pathlib import Path


def _build(args) -> int:
    from .authoring.build import build, check_due_dates

    from .grading.gradebook import configured_url

    db_url = configured_url(args.root, args.db) if args.db else None
    due = _due_dates(args.due)
    try:
        check_due_dates(args.root, due)
    except ValueError as error:
        raise RuntimeError(str(error)) from None
    problems = build(args.root, solutions=not args.no_solutions, db_url=db_url, due=due)
    if problems:
        print("leak check FAILED: release/ or the student wheel would give answers away:\n  " + "\n  ".join(problems))
        return 1
    print("leak check passed: release/ and the student wheel hold no solution, hidden test or output")
    return 0


def _due_dates(pairs) -> dict[str, str]:
    """``--due A=DATE`` (repeated) as {assignment: date}."""
    due = {}
    for pair in pairs or ():
        assignment, sep, when = pair.partition("=")
        if not sep or not assignment or not when:
            raise RuntimeError(f"--due {pair!r}: write ASSIGNMENT=DATE, e.g. 01_cross_entropy='2026-12-10 23:59 Europe/Berlin'")
        due[assignment.strip()] = when.strip()
    return due


def grading_options(args):
    """`workbook grade`'s options for the kernels: its flags, and the environment for the rest."""
    import os
    from dataclasses import replace

    from .grading.contracts import ENVIRONMENT_NAMES, GradingOptions

    flags = {"sandbox": args.sandbox}
    if args.memory_limit:
        flags["memory_limit"] = int(args.memory_limit * 2**30)
    overridden = {ENVIRONMENT_NAMES[option] for option in flags}  # a flag wins, even over a bad variable
    rest = GradingOptions.from_environment({k: v for k, v in os.environ.items() if k not in overridden})
    return replace(rest, **flags)


def _grade(args) -> int:
    from . import grading
    from .authoring import build
    from .grading import gradebook

    options = grading_options(args)
    if args.cluster:
        from .grading import cluster

        if args.deadline:
            raise RuntimeError("--cluster does not take --deadline yet: each submission gets the default "
                               "(the cell timeout times its code cells, plus 300 s)")
        if args.shard or args.jobs:
            raise RuntimeError("--cluster does not take --shard or --jobs: the Dask scheduler shares the class "
                               "out, and each worker grades as many submissions at once as its --nthreads")
        run = cluster.grade(args.root, args.cluster, db_url=args.db, cell_timeout=args.cell_timeout, options=options,
                            tls_dir=args.tls_dir, insecure=args.insecure_cluster)
    else:
        run = grading.grade(args.root, jobs=args.jobs, db_url=args.db, shard=grading.parse_shard(args.shard),
                            cell_timeout=args.cell_timeout, options=options, deadline=args.deadline)
    table = gradebook.totals(gradebook.configured_url(args.root, args.db))
    url = gradebook.configured_url(args.root, args.db)
    print(gradebook.format_table(table, build.assignments_in(args.root), gradebook.lateness(url)))
    print(grading.summary(run))
    return 0 if run.ok else 1


def _demo(args) -> int:
    from .demo import run_demo

    return run_demo(args.root, args.dir)


def _report(args) -> int:
    from .report import report_main

    return report_main(args.root, args.out, args.db)


def _audit(args) -> int:
    from .audit import audit_main

    return audit_main(args.root)


def parser() -> argparse.ArgumentParser:
    from .student.cli import add_check_command, add_data_command

    p = argparse.ArgumentParser(prog="workbook", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--root", type=Path, default=Path("."),
                         help="the course folder (with nbgrader_config.py and source/); default: .")
        cmd.set_defaults(func=func)
        return cmd

    b = command("build", _build, "generate release/ and solutions/ from source/, then check release/ for leaks")
    b.add_argument("--no-solutions", action="store_true", help="skip generate_solution (it executes notebooks)")
    b.add_argument("--db", default=None, help="gradebook URL to record the assignments in (default: the course's)")
    b.add_argument("--due", action="append", metavar="ASSIGNMENT=DATE",
                   help="due date with its time zone, e.g. 01_cross_entropy='2026-12-10 23:59 Europe/Berlin' "
                   "(repeatable; recorded in the gradebook; later submissions are late)")
    g = command("grade", _grade, "autograde every submission under submitted/, write feedback and grades.csv")
    g.add_argument("--jobs", "-j", type=int, default=None, help="submissions graded at once (default: CPU count)")
    g.add_argument("--db", default=None, help="gradebook URL, e.g. postgresql://user@host/course "
                   "(default: nbgrader_config.py's, else gradebook.db)")
    g.add_argument("--shard", default=None, metavar="K/N",
                   help="grade only share K of N of the students (run one per machine, same --db)")
    g.add_argument("--cluster", default=None, metavar="tls://HOST:PORT",
                   help="grade on the Dask cluster whose scheduler is there (`workbook cluster`; needs a "
                   "PostgreSQL --db; see the README, 'Grading on a Dask cluster')")
    g.add_argument("--tls-dir", default=None, help="with --cluster: the folder of this grader's client "
                   "certificate (default: ~/.config/workbook/tls/<course id>)")
    g.add_argument("--insecure-cluster", action="store_true", help="with --cluster: allow a plain tcp:// "
                   "scheduler on another machine (anyone who reaches it can run code on the workers)")
    g.add_argument("--cell-timeout", type=int, default=None, help="seconds per cell (default: nbgrader_config.py)")
    g.add_argument("--deadline", type=float, default=None, metavar="SECONDS",
                   help="seconds one submission may take in all; past it its grading process is killed and "
                   "it is reported as not graded (default: the cell timeout times its code cells, plus 300 s)")
    g.add_argument("--sandbox", choices=("require", "off"), default="require",
                   help="run student kernels in bubblewrap (require, the default: refuse to grade without "
                   "it; off: grade unsandboxed, which the summary and the report then say)")
    g.add_argument("--memory-limit", type=float, default=None, metavar="GiB",
                   help="memory per student kernel (default: 6)")
    r = command("report", _report, "pass rates, most frequent failure messages and a score histogram: "
                "reports/report.html (self-contained) and a terminal summary")
    r.add_argument("--out", type=Path, default=None,
                   help="folder for report.html and scores.png (default: <root>/reports)")
    r.add_argument("--db", default=None, metavar="URL",
                   help="gradebook URL (default: nbgrader_config.py's, else <root>/gradebook.db)")
    command("audit", _audit, "scan submitted/ for tampering and forbidden PyTorch calls; exit 1 when something is flagged")
    d = command("demo", _demo, "build, grade a small demo class offline and print its grades")
    d.add_argument("--dir", type=Path, default=Path("demo-course"),
                   help="scratch course folder, deleted and remade by each run (default: demo-course)")

    from .export.cli import add_export_command

    add_export_command(sub)
    from .similarity import add_similarity_command

    add_similarity_command(sub)
    from .grading.cluster_service import add_cluster_command

    add_cluster_command(sub)
    add_check_command(sub)  # the student's command, for the instructor too
    add_data_command(sub)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, FileExistsError, NotADirectoryError, RuntimeError) as error:
        print(f"workbook {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"workbook {args.command}: interrupted; run it again to finish (graded submissions are kept)",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
