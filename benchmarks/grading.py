"""Grading throughput: `workbook grade` (--jobs 1 and 2) against plain sequential nbgrader.

    python benchmarks/grading.py [--students 5 | --corpus-class] [--cluster]

Builds a scratch course with every assignment and a class of synthetic students (each
hands in all four notebooks: one submission per notebook), then times, in one run:

- the floor: starting a Jupyter kernel and importing torch, per notebook (and, for
  reference, starting one and importing everything the notebooks import);
- plain `nbgrader autograde <assignment>` (nbgrader's own sequential loop and stock
  preprocessors, no sandbox) over the class;
- `workbook grade --jobs 1` and `--jobs 2` (sandboxed kernels, feedback included).

Prints a table and appends it to benchmarks/RESULTS.md.

With --cluster it measures `workbook grade --cluster` instead: a throwaway PostgreSQL server,
`workbook cluster scheduler` and two `workbook cluster worker` processes (Dask's, TLS only; one
thread each) on this machine, started
before the clock starts, as a standing cluster would be; then the same class graded by
`workbook grade --jobs 2` and through the cluster, on the same gradebook, and the cluster's
overhead against the local run.
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbook.authoring import build  # noqa: E402
from workbook import demo, grading  # noqa: E402
from workbook.grading import nbgrader_bridge  # noqa: E402


def make_course(folder: Path, students: int, db_url: str | None = None) -> tuple[Path, int]:
    demo.prepare_course(REPO, folder)
    assert build.build(folder, solutions=False, db_url=db_url, log=lambda *_: None) == []
    assignments = build.assignments_in(folder)
    names = [f"student{i:02d}" for i in range(students)]
    demo.hand_in(folder, demo.demo_class(folder, REPO / "tests" / "corpus", assignments, names)[2:], assignments)
    return folder, len(names) * len(assignments)


FLOOR_TORCH = "import torch"
FLOOR_NOTEBOOK = "import torch, matplotlib.pyplot, workbook.checks, workbook.data"


def make_corpus_course(folder: Path, db_url: str | None = None) -> tuple[Path, int]:
    """The test suite's class of 40: per assignment the solutions, the blank release and eight
    corpus answers (mostly wrong ones), each student handing in one notebook."""
    sys.path.insert(0, str(REPO / "tests"))
    from classes import all_classes, hand_in, make_course as make_test_course

    folder.mkdir(parents=True)
    course = make_test_course(folder, db_url=db_url)
    classes = all_classes()
    hand_in(course, classes)
    return course, sum(len(students) for students in classes.values())


def floor_seconds(code: str, repeats: int = 3) -> float:
    """Seconds to start a kernel and run ``code`` (the imports), per notebook: the median of
    ``repeats`` runs after a warm-up run (the first kernel of a session reads cold files)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    env_before = dict(os.environ)
    os.environ.update(nbgrader_bridge.environment())
    try:
        times = []
        for _ in range(repeats + 1):
            started = time.monotonic()
            NotebookClient(nbformat.from_dict(nb), kernel_name="python3", timeout=120).execute()
            times.append(time.monotonic() - started)
        return statistics.median(times[1:])
    finally:
        os.environ.clear()
        os.environ.update(env_before)


def plain_nbgrader(course: Path) -> float:
    """nbgrader's own sequential autograde with its stock preprocessors."""
    from nbgrader.converters import Autograde

    stock = [f"{p.__module__}.{p.__name__}" for p in Autograde.class_traits()["autograde_preprocessors"].default()]
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Autograde.autograde_preprocessors = {stock!r}\n")
    started = time.monotonic()
    for assignment in build.assignments_in(course):
        nbgrader_bridge.run(["autograde", assignment, "--force"], course)
    return time.monotonic() - started


def workbook_grade(course: Path, jobs: int) -> float:
    started = time.monotonic()
    run = grading.grade(course, jobs=jobs, progress=False, log=lambda *_: None)
    elapsed = time.monotonic() - started
    if run.failed:
        raise RuntimeError(f"grading failed: {run.failed}")
    return elapsed


def cluster_comparison(scratch: Path, args) -> str:
    """Local --jobs 2 against two local Dask workers, same class, same PostgreSQL gradebook."""
    sys.path.insert(0, str(REPO / "tests"))
    import postgres
    from dask_cluster import cluster

    from workbook.grading import cluster as dask_grading
    from workbook.grading import gradebook

    with postgres.server() as url:
        url = gradebook.configured_url(".", url)
        if args.corpus_class:
            course, n = make_corpus_course(scratch / "workbook", db_url=url)
        else:
            course, n = make_course(scratch / "workbook", args.students, db_url=url)
        with cluster(scratch / "dask", {"worker-1": course, "worker-2": course}) as running:
            timings = []
            for name in ("local", "cluster", "local", "cluster"):  # twice each, interleaved: a busy machine drifts
                for folder in ("autograded", "feedback"):
                    shutil.rmtree(course / folder, ignore_errors=True)
                started = time.monotonic()
                if name == "local":
                    run = grading.grade(course, jobs=2, db_url=url, progress=False, log=lambda *_: None)
                else:
                    run = dask_grading.grade(course, running.address, db_url=url, progress=False, log=lambda *_: None,
                                             tls_dir=running.tls_dir)
                timings.append((name, time.monotonic() - started))
                if run.failed:
                    raise RuntimeError(f"grading failed: {run.failed}")
    local = statistics.mean(s for name, s in timings if name == "local")
    on_cluster = statistics.mean(s for name, s in timings if name == "cluster")
    core_seconds = on_cluster * 2 / n  # two workers of one thread each, on two cores
    who = ("the test suite's class (solutions, blanks, corpus answers), one notebook each" if args.corpus_class
           else f"{args.students} students x {n // args.students} notebooks")
    load = os.getloadavg()[0]
    lines = [f"### Grading on a Dask cluster, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, "
             f"{n} submissions ({who})", "",
             "`workbook cluster scheduler` and two `workbook cluster worker` (TLS with the course's certificates; "
             "`--nthreads 1` each) on this machine, PostgreSQL gradebook "
             f"for both runs; each run twice, interleaved; load average when done: {load:.1f}", "",
             "| run | runs (s) | mean s | s / submission |", "|---|---|---|---|"]
    for name, label in (("local", "workbook grade --jobs 2"), ("cluster", "workbook grade --cluster (2 workers)")):
        runs = [s for kind, s in timings if kind == name]
        mean = statistics.mean(runs)
        lines.append(f"| {label} | {', '.join(f'{s:.1f}' for s in runs)} | {mean:.1f} | {mean / n:.2f} |")
    lines += ["", f"Cluster overhead against local --jobs 2: {100 * (on_cluster / local - 1):+.1f} %. "
              f"Cost per notebook: {core_seconds:.1f} core-seconds, so 10^4 notebooks take "
              f"{1e4 * core_seconds / 3600:.1f} core-hours: "
              + ", ".join(f"{1e4 * core_seconds / (machines * 16) / 60:.0f} min on {machines} 16-core machines"
                          for machines in (1, 4, 16, 64))]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=5, help="students, each handing in every notebook")
    parser.add_argument("--corpus-class", action="store_true",
                        help="grade the test suite's class of 40 (mostly wrong answers) instead")
    parser.add_argument("--cluster", action="store_true",
                        help="measure `workbook grade --cluster` (two local Dask workers) against --jobs 2")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wbk-bench-"))
    if args.cluster:
        try:
            text = cluster_comparison(scratch, args)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(text)
        with open(REPO / "benchmarks" / "RESULTS.md", "a") as results:
            results.write("\n" + text + "\n")
        return
    try:
        if args.corpus_class:
            course, n = make_corpus_course(scratch / "workbook")
        else:
            course, n = make_course(scratch / "workbook", args.students)
        shutil.copytree(course, scratch / "plain")
        floor = floor_seconds(FLOOR_TORCH)
        floor_all = floor_seconds(FLOOR_NOTEBOOK)
        rows = [("plain nbgrader autograde (sequential)", plain_nbgrader(scratch / "plain"))]
        rows.append(("workbook grade --jobs 1", workbook_grade(course, 1)))
        shutil.rmtree(course / "autograded")
        rows.append(("workbook grade --jobs 2", workbook_grade(course, 2)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    baseline = rows[0][1]
    who = ("the test suite's class (solutions, blanks, corpus answers), one notebook each" if args.corpus_class
           else f"{args.students} students x {n // args.students} notebooks")
    lines = [f"### Grading, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, "
             f"{n} submissions ({who})", "",
             f"Floor per notebook: kernel start + `{FLOOR_TORCH}` {floor:.2f} s "
             f"(+ everything the notebooks import: {floor_all:.2f} s)", "",
             "| run | total s | s / submission | submissions / min | x floor (torch) | speed-up vs plain |",
             "|---|---|---|---|---|---|"]
    for name, seconds in rows:
        lines.append(f"| {name} | {seconds:.1f} | {seconds / n:.2f} | {60 * n / seconds:.1f} | "
                     f"{seconds / n / floor:.2f} | {baseline / seconds:.2f} |")
    text = "\n".join(lines)
    print(text)
    with open(REPO / "benchmarks" / "RESULTS.md", "a") as results:
        results.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
