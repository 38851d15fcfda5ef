"""`workbook grade --cluster` on a real Dask cluster: the `dask scheduler` and `dask worker`
command-line programs on 127.0.0.1 and a throwaway PostgreSQL server.

The class of 40 graded through two workers must score what the in-process grader predicts,
cell by cell: the prediction that the local `--jobs 2` run is held to in
test_nbgrader_pipeline.py, so both runs agree without grading the class a second time. A
worker killed mid-run must lose nothing; a worker in the wrong folder must be refused by
name before anything is graded.
"""

import shutil
import signal
import subprocess
import sys

import pytest
from classes import all_classes, expected_cell_scores, hand_in, make_course, sample_class
from conftest import ROOT, WRITTEN, ctrl_c_as_in_a_terminal
from dask_cluster import cluster, cmdline, descendants, wait_for

import postgres
from workbook.grading import gradebook, nbgrader_bridge, sandbox
from workbook import grading, cli
from workbook.grading import cluster as dask_grading
from workbook.grading.contracts import GradingOptions

pytestmark = pytest.mark.nbgrader

GRADING_TIMEOUT_S = 1800


def _assert_each_grade_once_and_right(url, classes):
    cells = gradebook.cell_scores(url)
    keys = [(c.student, c.assignment, c.grade_id) for c in cells]
    assert len(keys) == len(set(keys)), "a cell was graded twice"
    for assignment, students in classes.items():
        for student, answers in students.items():
            got = {c.grade_id: c.score for c in cells if (c.student, c.assignment) == (student, assignment)}
            assert got == expected_cell_scores(assignment, answers), (student, assignment)
    expected = sorted((s, a) for a, students in classes.items() for s in students)
    assert sorted({(c.student, c.assignment) for c in cells}) == expected


@pytest.fixture(scope="module")
def class_on_cluster(tmp_path_factory):
    """The class of 40 and two workers started in its course folder."""
    folder = tmp_path_factory.mktemp("cluster")
    with postgres.server() as url:
        url = gradebook.configured_url(".", url)
        course = make_course(folder, db_url=url)
        classes = all_classes()
        hand_in(course, classes)
        with cluster(folder / "dask", {"good-1": course, "good-2": course}) as running:
            yield course, url, classes, running


def test_the_class_graded_on_the_cluster_scores_as_predicted(class_on_cluster):
    course, url, classes, running = class_on_cluster
    run = dask_grading.grade(course, running.address, db_url=url, progress=False, log=lambda *_: None)
    expected = sorted((s, a) for a, students in classes.items() for s in students)
    assert len(expected) >= 40 or len(WRITTEN) < 4
    assert run.failed == [] and run.graded == expected
    assert run.sandboxed
    _assert_each_grade_once_and_right(url, classes)
    assert grading.summary(run).startswith(f"graded {len(expected)}, failed 0 in ")
    assert run.grades_csv.read_text().count("\n") == 1 + len({s for st in classes.values() for s in st}) * len(classes)
    logs = list((course / grading.LOG_FOLDER).glob("worker-*-dask-*.log"))
    assert len(logs) == 2, logs  # both workers graded: one grading process each
    assert not list((course / grading.LOG_FOLDER).glob(".cluster-*"))  # its marker file is cleaned up


def test_a_worker_started_in_another_folder_is_refused_by_name(class_on_cluster, tmp_path):
    course, url, classes, running = class_on_cluster
    copy = tmp_path / "course-copy"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
    before = sorted(gradebook.cell_scores(url), key=repr)
    running.start_worker("stray-worker", copy)
    try:
        with pytest.raises(RuntimeError) as refused:
            dask_grading.grade(course, running.address, db_url=url, progress=False, log=lambda *_: None)
    finally:
        running.kill("stray-worker")
    message = str(refused.value)
    assert "worker stray-worker" in message and f"started in {copy}" in message, message
    assert "good-" not in message, message  # the workers in the course folder are fine
    assert sorted(gradebook.cell_scores(url), key=repr) == before  # nothing graded, nothing removed


def test_a_sqlite_gradebook_is_refused_with_the_reason(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(RuntimeError, match="needs a PostgreSQL gradebook.*SQLite is a file that only one machine"):
        dask_grading.grade(tmp_path, "tcp://127.0.0.1:9", progress=False, log=lambda *_: None)


def test_cluster_does_not_combine_with_shard(tmp_path, capsys):
    assert cli.main(["grade", "--root", str(tmp_path), "--cluster", "tcp://127.0.0.1:9", "--shard", "1/2"]) == 2
    assert "--cluster does not take --shard" in capsys.readouterr().err


def test_the_worker_checks_tell_a_copy_a_changed_config_and_a_wrong_folder(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / grading.LOG_FOLDER).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    (course / grading.LOG_FOLDER / f"{dask_grading.TOKEN_PREFIX}abc").write_text("")
    expected = dask_grading.config_hash(course)
    off = GradingOptions(sandbox="off")
    monkeypatch.setenv("WORKBOOK_SANDBOX", "require")  # the worker's own environment: the client's options win
    monkeypatch.chdir(course)
    assert dask_grading.inspect_worker(str(course), expected, "abc", off) == []
    assert "is a copy" in " ".join(dask_grading.inspect_worker(str(course), expected, "other", off, token_wait=0))
    assert "differs" in " ".join(dask_grading.inspect_worker(str(course), "0" * 64, "abc", off))
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)  # a worker machine without bubblewrap
    assert dask_grading.inspect_worker(str(course), expected, "abc", off) == []
    required = " ".join(dask_grading.inspect_worker(str(course), expected, "abc", GradingOptions(sandbox="require")))
    assert "bubblewrap" in required, required
    monkeypatch.chdir(tmp_path)
    assert f"started in {tmp_path}" in " ".join(dask_grading.inspect_worker(str(course), expected, "abc", off))


@pytest.fixture(scope="module")
def small_class_on_cluster(tmp_path_factory):
    """Eight submissions of one assignment and two workers started in their course folder
    (the Ctrl-C test runs after the kill test, on the worker left)."""
    tmp_path = tmp_path_factory.mktemp("small")
    with postgres.server() as url:
        url = gradebook.configured_url(".", url)
        course = tmp_path / "course"  # one assignment is enough here: build only that one
        shutil.copytree(ROOT / "source" / WRITTEN[0], course / "source" / WRITTEN[0])
        shutil.copy(ROOT / "nbgrader_config.py", course)
        nbgrader_bridge.run(["generate_assignment", WRITTEN[0], f"--CourseDirectory.db_url={url}"], course)
        classes = {WRITTEN[0]: sample_class(WRITTEN[0], size=8)}
        hand_in(course, classes)
        with cluster(tmp_path / "dask", {"good-1": course, "victim": course}) as running:
            yield course, url, classes, running


def _kernels_under(pid: int) -> list[int]:
    return [p for p in descendants(pid) if "ipykernel" in cmdline(p)]


def test_a_worker_killed_mid_run_loses_nothing(small_class_on_cluster):
    course, url, classes, running = small_class_on_cluster
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--db", url,
                               "--cluster", running.address],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        victim = running.processes["victim"].pid
        wait_for(lambda: _kernels_under(victim) or grader.poll() is not None, 300, "the victim to run a notebook")
        assert grader.poll() is None, grader.communicate()[0]
        running.kill("victim")  # the worker and its grading process and kernel, mid-notebook
        output = grader.communicate(timeout=GRADING_TIMEOUT_S)[0]
    finally:
        grader.kill()
    assert grader.returncode == 0, output
    assert "graded 8, failed 0 in " in output, output
    _assert_each_grade_once_and_right(url, classes)


def test_ctrl_c_cancels_the_tasks_and_stops_the_kernels(small_class_on_cluster):
    course, url, classes, running = small_class_on_cluster
    reference = classes[WRITTEN[0]]["solutions"]
    sleeper = {**reference, "softmax": reference["softmax"] + "\nimport time\ntime.sleep(600)\n"}
    shutil.rmtree(course / "submitted")
    hand_in(course, {WRITTEN[0]: {f"sleeper-{i}": sleeper for i in range(4)}})
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--db", url,
                               "--cluster", running.address, "--cell-timeout", "900"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=ctrl_c_as_in_a_terminal)
    workers = [p.pid for name, p in running.processes.items() if name != "scheduler"]
    try:
        wait_for(lambda: all(_kernels_under(w) for w in workers) or grader.poll() is not None, 300,
                 "the workers to run a notebook")
        assert grader.poll() is None, grader.communicate()[0]
        grader.send_signal(signal.SIGINT)
        output = grader.communicate(timeout=120)[0]
    finally:
        grader.kill()
    assert grader.returncode == 130 and "interrupted" in output, output
    for worker in workers:  # killed, not left to sleep for 10 minutes
        wait_for(lambda: not _kernels_under(worker), 60, "the sleeping kernels to be stopped")
    wait_for(lambda: not running.client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks)),
             60, "the scheduler to drop the cancelled tasks")
