"""Bad submissions: each costs at most the exercise it breaks, never the rest of its notebook,
and never the rest of the class, which is graded beside it.

One class of 01_cross_entropy submissions, each broken in one way, graded together by
`workbook grade` in sandboxed kernels. The sandbox is required here: CI installs Debian's
bubblewrap, and a grader that silently ran student code unsandboxed would pass otherwise.
Issue 12's cases are here too: floods of processes and of /tmp stopped at their caps (a
flood's processes are killed when its cell ends, and cost that exercise only),
scripts in outputs and markdown made harmless, a student's "BEGIN HIDDEN TESTS" text,
copied graded cells and a renamed notebook graded at full marks with the repair noted.
"""

import copy
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading

import nbformat
import pytest
from conftest import ROOT, source_notebook
from nbconvert import HTMLExporter
from test_sanitize import HTML_PAYLOAD, JS_PAYLOAD, MARKDOWN_PAYLOAD, PNG, SVG_PAYLOAD, executable_content

from workbook.authoring import build, notebooks
from workbook.grading import gradebook, sandbox
from workbook import grading

pytestmark = pytest.mark.nbgrader

A = "01_cross_entropy"
CELL_TIMEOUT = 10


def _softmax_visible_answer() -> str:
    """The values of the visible softmax check, to hard-code (a cheat the hidden tests catch)."""
    import torch

    import workbook.checks as C

    values = torch.softmax(C.randn(4, 10, seed=0), dim=-1).tolist()
    return f"import torch\ndef softmax(x, dim=-1):\n    return torch.tensor({values!r})\n"


# Each flood keeps what it made (no clean-up), as a careless or hostile cell would.
FLOOD_PROCESSES = """
import subprocess
children = []
try:
    for _ in range(2000):
        children.append(subprocess.Popen(["sleep", "300"]))
finally:
    print("started", len(children), "processes")
"""
FLOOD_TMP = """
written = 0
try:
    with open("/tmp/flood", "wb") as flood:
        for _ in range(64):  # 1 GiB in 16 MiB chunks
            flood.write(b"x" * 2**24)
            flood.flush()
            written += 2**24
finally:
    print("wrote", written // 2**20, "MiB")
"""
SHOW_SCRIPTS = f"""
import base64
from IPython.display import HTML, SVG, Image, Javascript, Markdown, display
display(HTML({HTML_PAYLOAD!r}))
display(SVG({SVG_PAYLOAD!r}))
display(Javascript({JS_PAYLOAD!r}))
display(Markdown({MARKDOWN_PAYLOAD!r}))
display(Image(data=base64.b64decode({PNG!r}), format="png"))
print("plain text stays")
"""
RENAMED = {"renamed-download": f"{A} (1).ipynb", "renamed-twice": f"{A} (1).ipynb"}


def _cases(ref, course, port):
    no_max = "def softmax(x, dim=-1):\n    e = x.exp()\n    return e / e.sum(dim=dim, keepdim=True)\n"
    return {
        "solutions": {},
        "kills-kernel": {"softmax": "import os\ndef softmax(x, dim=-1):\n    os._exit(1)\n"},
        "never-returns": {"logsumexp": "def logsumexp(x, dim=-1, keepdim=False):\n    while True:\n        pass\n"},
        "top-level-loop": {"nll": "while True:\n    pass\n" + ref["nll"]},
        "sys-exit": {"accuracy": "import sys\nsys.exit()\n" + ref["accuracy"]},
        "prints-megabytes": {"softmax": ref["softmax"] + "\nprint('x' * 30_000_000)\n"},
        "too-much-memory": {"softmax": "import torch\ndef softmax(x, dim=-1):\n    big = torch.ones(2**30)\n"
                                       "    return big[:1] * x\n"},
        "reads-source": {"softmax": ref["softmax"] + f"\nprint(open({str(course / 'source' / A / (A + '.ipynb'))!r}).read())\n"},
        "writes-gradebook": {"softmax": ref["softmax"] + f"\nopen({str(course / 'gradebook.db')!r}, 'wb').write(b'x')\n"},
        "uses-network": {"softmax": ref["softmax"] + f"\nimport socket\nsocket.create_connection(('127.0.0.1', {port}), 3)\n"},
        "patches-allclose": {"softmax": "import torch\ntorch.allclose = lambda *a, **k: True\n" + ref["softmax"]},
        "hard-codes-visible": {"softmax": _softmax_visible_answer()},
        "deletes-test-cell": {"softmax": no_max},
        "edits-test-cell": {"softmax": no_max},
        "changes-points": {},
        "renames-kernel": {},
        "floods-processes": {"softmax": ref["softmax"] + FLOOD_PROCESSES},
        "floods-tmp": {"softmax": ref["softmax"] + FLOOD_TMP},
        "shows-scripts": {"softmax": ref["softmax"] + SHOW_SCRIPTS},
        "writes-hidden-tests-marker": {"softmax": ref["softmax"] + "\n# BEGIN HIDDEN TESTS (my own note, never ended)\n"},
        "copies-solution-cell": {},
        "copies-test-cell": {},
        "own-graded-cell": {},
        "renamed-download": {},
        "renamed-twice": {},
    }


def _pasted(cell):
    """A copy of ``cell`` as Jupyter pastes it: same source and metadata, a new cell id."""
    pasted = copy.deepcopy(cell)
    pasted.id = f"{cell.id}-copy"
    return pasted


def _tamper(student, nb):
    """Edits a student could make outside the solution cells."""
    def cell(grade_id):
        return next(c for c in nb.cells if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)

    if student == "deletes-test-cell":
        nb.cells.remove(cell("test_softmax_stability"))
    elif student == "edits-test-cell":
        cell("test_softmax_stability").source = "pass"
    elif student == "changes-points":
        cell("test_softmax_values").metadata["nbgrader"]["points"] = 100
    elif student == "renames-kernel":
        nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    elif student == "shows-scripts":
        nb.cells.append(nbformat.v4.new_markdown_cell(MARKDOWN_PAYLOAD))
    elif student == "copies-solution-cell":
        nb.cells.insert(nb.cells.index(cell("softmax")) + 1, _pasted(cell("softmax")))
    elif student == "copies-test-cell":
        nb.cells.append(_pasted(cell("test_softmax_values")))
    elif student == "own-graded-cell":
        nb.cells.append(nbformat.v4.new_code_cell("print('my own check')", metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": False, "points": 50, "grade_id": "my_check",
            "schema_version": 3}}))
    return nb


@pytest.fixture(scope="module")
def listener():
    """A server on the grader's loopback that a sandboxed kernel must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                hits.append(server.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    assert sandbox.bubblewrap_works(), "bubblewrap is needed for these tests: apt-get install bubblewrap"
    course = tmp_path_factory.mktemp("bad")
    (course / "source").mkdir()
    (course / "nbgrader_config.py").write_bytes((ROOT / "nbgrader_config.py").read_bytes())
    shutil.copytree(ROOT / "source" / A, course / "source" / A)
    assert build.build(course, solutions=False, log=lambda *_: None) == []
    ref = notebooks.reference_solutions(source_notebook(A))
    release = notebooks.read(notebooks.notebook_path(course, "release", A))
    cases = _cases(ref, course, listener[0])
    for student, answers in cases.items():
        nb = _tamper(student, notebooks.make_submission(release, {**ref, **answers}))
        path = course / "submitted" / student / A / RENAMED.get(student, f"{A}.ipynb")
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
    shutil.copy(course / "submitted" / "renamed-twice" / A / RENAMED["renamed-twice"],
                course / "submitted" / "renamed-twice" / A / f"{A}-Copy1.ipynb")
    bad_json = course / "submitted" / "not-json" / A
    bad_json.mkdir(parents=True)
    (bad_json / f"{A}.ipynb").write_text('{"cells": [')
    missing = course / "submitted" / "no-notebook" / A
    missing.mkdir(parents=True)
    (missing / "my_work.ipynb").write_text("{}")
    gradebook_before = (course / "gradebook.db").stat().st_size
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBOOK_SANDBOX", "require")
        mp.setenv("WORKBOOK_MEMORY_LIMIT", str(2 * 2**30))
        run = grading.grade(course, jobs=2, cell_timeout=CELL_TIMEOUT, progress=False, log=lambda *_: None)
    scores = gradebook.totals(gradebook.configured_url(course))
    return course, run, scores, gradebook_before


def _score(scores, student):
    return scores[student][A]


def _outputs(course, student, grade_id):
    nb = nbformat.read(str(course / "autograded" / student / A / f"{A}.ipynb"), 4)
    cell = next(c for c in nb.cells if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)
    return json.dumps(cell.outputs)


def test_the_run_reports_what_could_not_be_graded(graded):
    course, run, scores, _ = graded
    assert run.sandboxed
    failed = {student: reason for student, _, reason in run.failed}
    assert set(failed) == {"not-json", "no-notebook", "renamed-twice"}
    assert "not a valid notebook" in failed["not-json"]
    assert failed["no-notebook"] == ("missing notebook 01_cross_entropy.ipynb (found my_work.ipynb: if one is this "
                                     "assignment's notebook, rename it to 01_cross_entropy.ipynb and grade again)")
    assert failed["renamed-twice"] == (
        "missing notebook 01_cross_entropy.ipynb; 01_cross_entropy (1).ipynb and 01_cross_entropy-Copy1.ipynb could "
        "each be it, so none was graded: rename the one to grade to 01_cross_entropy.ipynb and grade again")
    assert not run.ok and "could not grade not-json" in grading.summary(run)
    assert f"full output for each failure: {course / grading.LOG_FOLDER}/" in grading.summary(run)
    assert "rename it" in (course / grading.LOG_FOLDER / f"no-notebook.{A}.log").read_text()
    assert not {"not-json", "no-notebook", "renamed-twice"} & set(scores)  # no grade is invented
    assert "Please see" not in grading.summary(run)


def test_a_good_submission_beside_bad_ones_gets_full_marks(graded):
    assert _score(graded[2], "solutions") == (30.0, 30.0)


@pytest.mark.parametrize("student, expected, lost_in", [
    ("kills-kernel", 25.0, "softmax"),         # the crash costs its own exercise only
    ("never-returns", 25.0, "logsumexp"),
    ("top-level-loop", 25.0, "nll"),
    ("sys-exit", 26.0, "accuracy"),
    ("too-much-memory", 25.0, "softmax"),
    ("hard-codes-visible", 25.0, "softmax"),
    ("deletes-test-cell", 28.0, "softmax"),    # the deleted cell is restored and graded
    ("edits-test-cell", 28.0, "softmax"),      # the edited cell is restored and graded
])
def test_each_bad_submission_costs_only_what_it_broke(graded, student, expected, lost_in):
    course, _, scores, _ = graded
    assert _score(scores, student) == (expected, 30.0)
    cells = {c.grade_id: c for c in gradebook.cell_scores(gradebook.configured_url(course)) if c.student == student}
    lost = {gid for gid, c in cells.items() if c.score < c.max_score}
    assert lost and all(gid.startswith(f"test_{lost_in}") for gid in lost), lost


def test_a_dead_kernel_is_reported_in_the_cell_and_grading_goes_on(graded):
    course = graded[0]
    assert "KernelDied" in _outputs(course, "kills-kernel", "test_softmax_values")
    assert "not implemented" not in _outputs(course, "kills-kernel", "test_logsumexp_values")


def test_points_and_kernel_cannot_be_changed_by_the_student(graded):
    _, _, scores, _ = graded
    assert _score(scores, "changes-points") == (30.0, 30.0)
    assert _score(scores, "renames-kernel") == (30.0, 30.0)


def test_patching_torch_earns_nothing(graded):
    course, _, scores, _ = graded
    assert _score(scores, "patches-allclose") == (0.0, 30.0)
    assert "integrity" in _outputs(course, "patches-allclose", "test_softmax_values")


def test_huge_output_is_cut_by_size(graded):
    course, _, scores, _ = graded
    assert _score(scores, "prints-megabytes") == (30.0, 30.0)
    notebook = course / "autograded" / "prints-megabytes" / A / f"{A}.ipynb"
    assert notebook.stat().st_size < 500_000
    assert "output cut: 30,000,001 characters" in _outputs(course, "prints-megabytes", "softmax")
    feedback = course / "feedback" / "prints-megabytes" / A / f"{A}.html"
    assert feedback.stat().st_size < 1_500_000


def test_the_sandbox_hides_the_course_and_keeps_the_gradebook(graded):
    course, _, scores, gradebook_before = graded
    assert "FileNotFoundError" in _outputs(course, "reads-source", "softmax")
    assert "BEGIN SOLUTION" not in _outputs(course, "reads-source", "softmax")
    refused = _outputs(course, "writes-gradebook", "softmax")  # the path exists in the sandbox only as an
    assert "Read-only file system" in refused or "Permission denied" in refused  # empty folder of root's
    assert (course / "gradebook.db").stat().st_size >= gradebook_before
    assert _score(scores, "writes-gradebook") == (30.0, 30.0)  # the gradebook still works


def test_the_sandbox_has_no_network(graded, listener):
    course = graded[0]
    assert "ConnectionRefusedError" in _outputs(course, "uses-network", "softmax")
    assert listener[1] == []  # the grader's loopback server never heard from the kernel


def test_a_failed_regrade_does_not_leave_the_old_grade_standing(graded):
    course = graded[0]
    url = gradebook.configured_url(course)
    sub = grading.Submission("solutions", A, course / "submitted" / "solutions" / A)
    assert _score(gradebook.totals(url), "solutions") == (30.0, 30.0)
    sub.notebook.write_text("{ broken on resubmission")
    assert "not a valid notebook" in grading.grade_submission(sub, course, url, CELL_TIMEOUT)
    assert "solutions" not in gradebook.totals(url)
    assert not (course / "autograded" / "solutions" / A).exists()


def test_a_locked_sqlite_gradebook_makes_grading_wait_not_fail(graded):
    course = graded[0]
    url = gradebook.configured_url(course)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"db = sqlite3.connect({str(course / 'gradebook.db')!r}, isolation_level=None)\n"
        "db.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(8)\ndb.execute('COMMIT')\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(str(course / "gradebook.db"), timeout=0.1).execute("BEGIN EXCLUSIVE")
    sub = grading.Submission("renames-kernel", A, course / "submitted" / "renames-kernel" / A)
    assert grading.grade_submission(sub, course, url, CELL_TIMEOUT) is None
    holder.wait()
    assert _score(gradebook.totals(url), "renames-kernel") == (30.0, 30.0)


def _autograded(course, student):
    return nbformat.read(str(course / "autograded" / student / A / f"{A}.ipynb"), 4)


def _feedback(course, student):
    return (course / "feedback" / student / A / f"{A}.html").read_text()


def test_a_process_flood_stops_at_the_cap_and_costs_only_its_own_exercise(graded):
    course, _, scores, _ = graded
    out = _outputs(course, "floods-processes", "softmax")
    started = int(out.split("started ")[1].split(" processes")[0])
    assert 0 < started < sandbox.DEFAULT_PROCESS_LIMIT  # 2,000 asked for; the kernel's own threads count too
    assert "BlockingIOError" in out  # the cell that hit the cap got the error
    assert f"LeftProcessesRunning: this cell left {started} processes running" in out  # killed, said in the cell
    assert _score(scores, "floods-processes") == (25.0, 30.0)  # softmax's 5 points, not the notebook's 30
    cells = {c.grade_id: c for c in gradebook.cell_scores(gradebook.configured_url(course))
             if c.student == "floods-processes"}
    lost = {gid for gid, c in cells.items() if c.score < c.max_score}
    assert lost and all(gid.startswith("test_softmax") for gid in lost), lost


def test_a_tmp_flood_stops_at_the_cap_and_the_notebook_grades_on(graded):
    course, _, scores, _ = graded
    out = _outputs(course, "floods-tmp", "softmax")
    written = int(out.split("wrote ")[1].split(" MiB")[0]) * 2**20
    assert sandbox.DEFAULT_TMP_LIMIT - 2**25 <= written <= sandbox.DEFAULT_TMP_LIMIT  # not the 1 GiB asked for
    assert "No space left on device" in out
    assert _score(scores, "floods-tmp") == (30.0, 30.0)


def test_scripts_in_outputs_and_markdown_run_nowhere_and_cost_nothing(graded):
    course, _, scores, _ = graded
    assert _score(scores, "shows-scripts") == (30.0, 30.0)
    nb = _autograded(course, "shows-scripts")
    as_formgrader_shows_it = HTMLExporter().from_notebook_node(nb)[0]
    feedback = _feedback(course, "shows-scripts")
    for page in (as_formgrader_shows_it, feedback):
        assert executable_content(page) == []
        assert "plain text stays" in page and PNG in page  # text and images stay as they are
    kinds = {kind for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs for kind in o.get("data", {})}
    assert kinds <= {"text/plain", "text/html", "text/markdown", "image/png"}, kinds  # no javascript, no SVG
    assert "My notes" in nb.cells[-1].source and "<script" not in nb.cells[-1].source  # the student's markdown


def test_a_student_hidden_tests_marker_does_not_cost_the_feedback(graded):
    course, run, scores, _ = graded
    assert _score(scores, "writes-hidden-tests-marker") == (30.0, 30.0)
    assert "test_softmax_values" in _feedback(course, "writes-hidden-tests-marker")
    assert not any("writes-hidden-tests-marker" in warning for warning in run.warnings)
    assert "BEGIN HIDDEN TESTS" not in _feedback(course, "copies-test-cell")  # the course's hidden tests stay hidden


@pytest.mark.parametrize("student, said", [
    ("copies-solution-cell", "is a copy of the solution cell `softmax`"),
    ("copies-test-cell", "is a copy of the test cell `test_softmax_values`"),
    ("own-graded-cell", "with `my_check`, which this assignment does not have"),
    ("renamed-download", f"graded {A} (1).ipynb as {A}.ipynb"),
])
def test_an_accident_grades_at_full_marks_and_the_repair_is_noted(graded, student, said):
    course, run, scores, _ = graded
    assert _score(scores, student) == (30.0, 30.0)  # full marks, and no point invented (own-graded-cell: 50)
    assert any(note.startswith(f"{student}/{A}: ") and said in note for note in run.notes), run.notes
    assert f"repaired {student}/{A}" in grading.summary(run)
    assert any(s == student and said in why for s, _, why in grading.grading_notes(course))  # the report's look list
    if student != "renamed-download":
        assert "Repaired before grading" in _feedback(course, student)
