"""`workbook grade --cluster` on a real Dask cluster: `workbook cluster scheduler` and
`workbook cluster worker` (Dask's programs, TLS only) on 127.0.0.1 and a throwaway PostgreSQL.

The class of 40 graded over TLS through two workers must score what the in-process grader
predicts, cell by cell: the prediction that the local `--jobs 2` run is held to in
test_nbgrader_pipeline.py, so both runs agree without grading the class a second time; the
workers never hold the gradebook's URL. A worker killed mid-run must lose nothing; a worker
in the wrong folder must be refused by name before anything is graded; a submission that
hunts for the workers' secrets finds none; a forged result is refused.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from classes import all_classes, expected_cell_scores, hand_in, make_course, sample_class
from conftest import ROOT, WRITTEN, ctrl_c_as_in_a_terminal
from dask_cluster import cluster, cmdline, descendants, wait_for

import postgres
from workbook.grading import cluster_results, cluster_tls, gradebook, nbgrader_bridge, sandbox
from workbook import grading, cli
from workbook.grading import cluster as dask_grading
from workbook.grading.contracts import GradingOptions, Submission

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


def _process_texts(pids) -> dict[int, str]:
    """Each live process's command line and environment, as anyone on its machine as its user reads them."""
    texts = {}
    for pid in pids:
        try:
            texts[pid] = cmdline(pid) + "\0" + Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
        except OSError:
            pass  # gone meanwhile
    return texts


def test_the_class_graded_on_the_cluster_scores_as_predicted(class_on_cluster):
    course, url, classes, running = class_on_cluster
    workers = [p.pid for name, p in running.processes.items() if name != "scheduler"]
    outcome = {}

    def grade():
        try:
            outcome["run"] = dask_grading.grade(course, running.address, db_url=url, progress=False,
                                                log=lambda *_: None, tls_dir=running.tls_dir)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error

    grader = threading.Thread(target=grade)
    grader.start()
    # While both workers run notebooks: neither they, their grading processes nor the kernels
    # (nor the scheduler) hold the gradebook's URL; the gradebook is written by this process only.
    wait_for(lambda: all(_kernels_under(w) for w in workers) or not grader.is_alive(), 600,
             "both workers to run a notebook")
    seen = _process_texts([pid for w in [*workers, running.processes["scheduler"].pid] for pid in descendants(w)])
    grader.join()
    assert "error" not in outcome, outcome
    assert any("ipykernel" in text for text in seen.values()), "no kernel was running when the workers were looked at"
    host_and_database = url.split("@", 1)[1]
    assert [pid for pid, text in seen.items() if "postgresql" in text or host_and_database in text] == []
    run = outcome["run"]
    expected = sorted((s, a) for a, students in classes.items() for s in students)
    assert len(expected) >= 40 or len(WRITTEN) < 4
    assert run.failed == [] and run.graded == expected
    assert run.sandboxed
    _assert_each_grade_once_and_right(url, classes)
    assert grading.summary(run).startswith(f"graded {len(expected)}, failed 0 in ")
    assert run.grades_csv.read_text().count("\n") == 1 + len({s for st in classes.values() for s in st}) * len(classes)
    for student, assignment in expected:  # the grader wrote what the workers graded into the course folder
        assert (course / "autograded" / student / assignment / f"{assignment}.ipynb").is_file()
        assert (course / "feedback" / student / assignment / f"{assignment}.html").is_file()
    graded_by = (course / grading.LOG_FOLDER / dask_grading.GRADED_BY).read_text().splitlines()
    assert len(graded_by) == len(expected) and {line.split("\t")[1] for line in graded_by} == {"good-1", "good-2"}
    assert not list((course / grading.LOG_FOLDER).glob(".cluster-*"))  # its marker file is cleaned up


def test_a_worker_started_in_another_folder_is_refused_by_name(class_on_cluster, tmp_path):
    course, url, classes, running = class_on_cluster
    copy = tmp_path / "course-copy"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
    before = sorted(gradebook.cell_scores(url), key=repr)
    running.start_worker("stray-worker", copy)
    try:
        with pytest.raises(RuntimeError) as refused:
            dask_grading.grade(course, running.address, db_url=url, progress=False, log=lambda *_: None,
                               tls_dir=running.tls_dir)
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
    (the Ctrl-C test runs after the kill test, on the worker left). The workers hold secrets
    as a real one would: their certificates in their home's default place, named in Dask's
    variables too, a database password and URL in their environment."""
    tmp_path = tmp_path_factory.mktemp("small")
    with postgres.server() as url:
        url = gradebook.configured_url(".", url)
        course = tmp_path / "course"  # one assignment is enough here: build only that one
        shutil.copytree(ROOT / "source" / WRITTEN[0], course / "source" / WRITTEN[0])
        shutil.copy(ROOT / "nbgrader_config.py", course)
        nbgrader_bridge.run(["generate_assignment", WRITTEN[0], f"--CourseDirectory.db_url={url}"], course)
        classes = {WRITTEN[0]: sample_class(WRITTEN[0], size=8)}
        hand_in(course, classes)
        home = tmp_path / "worker-home"
        tls_dir = home / ".config" / "workbook" / "tls" / cluster_tls.COURSE_ID
        ca, (cert, key) = cluster_tls.ca_file(tls_dir), cluster_tls.paths(tls_dir, "worker")
        planted = {"HOME": str(home), "PGPASSWORD": secrets.token_hex(16), "DATABASE_URL": url,
                   "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(ca), "DASK_DISTRIBUTED__COMM__TLS__WORKER__CERT": str(cert),
                   "DASK_DISTRIBUTED__COMM__TLS__WORKER__KEY": str(key)}
        with cluster(tmp_path / "dask", {"good-1": course, "victim": course}, env={**os.environ, **planted},
                     tls_dir=tls_dir) as running:
            yield course, url, classes, running, planted


def _kernels_under(pid: int) -> list[int]:
    return [p for p in descendants(pid) if "ipykernel" in cmdline(p)]


def test_a_worker_killed_mid_run_loses_nothing(small_class_on_cluster):
    course, url, classes, running, _ = small_class_on_cluster
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--db", url,
                               "--cluster", running.address, "--tls-dir", str(running.tls_dir)],
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
    course, url, classes, running, _ = small_class_on_cluster
    reference = classes[WRITTEN[0]]["solutions"]
    sleeper = {**reference, "softmax": reference["softmax"] + "\nimport time\ntime.sleep(600)\n"}
    shutil.rmtree(course / "submitted")
    hand_in(course, {WRITTEN[0]: {f"sleeper-{i}": sleeper for i in range(4)}})
    grader = subprocess.Popen([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--db", url,
                               "--cluster", running.address, "--tls-dir", str(running.tls_dir),
                               "--cell-timeout", "900"],
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


# What a student's code would look for on a worker, and print into its own feedback. The
# patterns are put together when it runs, so that it does not find itself in its notebook.
SNOOP = r'''
import os as _os
def _snoop(places):
    marks = ["PRIV" + "ATE KEY", "post" + "gresql", "PGPASS" + "WORD", "DASK_DISTRIB" + "UTED"]
    found, searched = [], 0
    for name, value in _os.environ.items():
        searched += 1
        if name.startswith("DASK_") or name.startswith("PG") or any(m in name + value for m in marks):
            found.append(f"environment {name}={value}")
    for pid in _os.listdir("/proc"):
        try:
            text = open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace")
        except (OSError, ValueError):
            continue
        searched += 1
        found += [f"/proc/{pid}/environ: {m}: {text[text.index(m):][:300]}" for m in marks if m in text]
    for place in places:
        for folder, _, files in _os.walk(place):
            for file in files[:2000]:
                path = _os.path.join(folder, file)
                searched += 1
                if file.endswith((".key", ".pem")):
                    found.append(f"file {path}")
                try:
                    text = open(path, "rb").read(1 << 20).decode(errors="replace")
                except OSError:
                    continue
                found += [f"{path}: {m}: {text[text.index(m):][:300]}" for m in marks if m in text]
    for line in found:
        print("SNOOP" + "-FOUND", line)
    print("SNOOP" + "-SEARCHED", searched)
_snoop(PLACES)
'''


def _snoop_code(places) -> str:
    return SNOOP.replace("PLACES", repr([str(p) for p in places]))


def test_a_submission_finds_no_secret_of_the_workers(small_class_on_cluster):
    course, url, classes, running, planted = small_class_on_cluster
    worker = running.processes["good-1"].pid
    home, tls_dir = Path(planted["HOME"]), running.tls_dir
    key = cluster_tls.paths(tls_dir, "worker")[1].read_text().split("-----")[2].strip().splitlines()[0]
    secret_texts = [planted["PGPASSWORD"], url.split("//", 1)[1], key]
    code = _snoop_code([tls_dir, home, course, "."])
    # Positive control: outside the sandbox, with the worker's own environment, the same code finds them all.
    worker_env = dict(line.split("=", 1) for line in Path(f"/proc/{worker}/environ").read_text().split("\0") if "=" in line)
    control = subprocess.run([sys.executable, "-c", code], env=worker_env, cwd=course, capture_output=True,
                             text=True, timeout=300).stdout
    for what in ("environment PGPASSWORD=", "environment DATABASE_URL=", "environment DASK_DISTRIBUTED__COMM__TLS__WORKER__KEY=",
                 f"file {tls_dir}/worker.key", "/environ: PGPASSWORD"):
        assert what in control, (what, control[-3000:])
    assert all(secret in control for secret in secret_texts)
    # Graded on the cluster: the kernel finds nothing, and its feedback holds no secret.
    reference = classes[WRITTEN[0]]["solutions"]
    shutil.rmtree(course / "submitted")
    hand_in(course, {WRITTEN[0]: {"snooper": {**reference, "softmax": reference["softmax"] + "\n" + code}}})
    graded = subprocess.run([sys.executable, "-m", "workbook.cli", "grade", "--root", str(course), "--db", url,
                             "--cluster", running.address, "--tls-dir", str(tls_dir)],
                            capture_output=True, text=True, timeout=GRADING_TIMEOUT_S)
    assert graded.returncode == 0 and "graded 1, failed 0" in graded.stdout, graded.stdout + graded.stderr
    feedback = (course / "feedback" / "snooper" / WRITTEN[0] / f"{WRITTEN[0]}.html").read_text()
    autograded = (course / "autograded" / "snooper" / WRITTEN[0] / f"{WRITTEN[0]}.ipynb").read_text()
    assert re.search(r"SNOOP-SEARCHED \d+", feedback)  # the search ran in the kernel and printed into the feedback
    assert "SNOOP-FOUND" not in feedback and "SNOOP-FOUND" not in autograded, feedback[feedback.find("SNOOP-FOUND"):][:2000]
    for secret in secret_texts:
        assert secret not in feedback and secret not in autograded


def test_a_forged_result_is_refused_and_a_true_one_recorded(small_class_on_cluster):
    course, url, classes, running, _ = small_class_on_cluster
    assignment = WRITTEN[0]
    graded = [s for s in [*sorted(classes[assignment]), "snooper"] if gradebook.submission_record(url, assignment, s)]
    assert graded, "the tests before this one grade the class"
    student = graded[0]
    true = gradebook.submission_record(url, assignment, student)
    sub, token = Submission(student, assignment, course / "submitted" / student / assignment), "t" * 32
    honest = cluster_results.GradedResult(token, student, assignment, None, record=true,
                                          autograded={f"{assignment}.ipynb": b"{}"})

    def scores(who):
        return sorted((c.grade_id, c.score) for c in gradebook.cell_scores(url) if c.student == who)

    others = {s: scores(s) for s in graded if s != student}
    before = scores(student)
    assert before and cluster_results.record(honest, sub, token, course, url).graded and scores(student) == before
    notebook = next(iter(true["notebooks"]))
    cell = next(iter(true["notebooks"][notebook]["grades"]))
    inflated = {**true, "notebooks": {notebook: {**true["notebooks"][notebook], "grades": {
        **true["notebooks"][notebook]["grades"], cell: {**true["notebooks"][notebook]["grades"][cell], "auto_score": 1000.0}}}}}
    forgeries = {"is not between 0 and": replace(honest, record=inflated),
                 "the worker answered for another task": replace(honest, token="u" * 32),
                 "leaves its folder": replace(honest, autograded={"../../../escaped.ipynb": b"{}"})}
    for why, forged in forgeries.items():
        outcome = cluster_results.record(forged, sub, token, course, url)
        assert not outcome.graded and why in outcome.problem, outcome
        assert scores(student) == []  # not graded: no score stands, the forged one least of all
        assert {s: scores(s) for s in others} == others
    assert not list(course.parent.glob("**/escaped.ipynb"))
    assert cluster_results.record(honest, sub, token, course, url).graded and scores(student) == before
