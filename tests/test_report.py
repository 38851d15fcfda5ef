"""`workbook report`: pass rates, the most frequent failure messages, the histogram and the
HTML page, on a small class graded by real nbgrader, and rendered by headless Chromium."""

import base64
import contextlib
import html
import io
import json
import re
import shutil

import nbformat
import numpy as np
import pytest
from browser import run_chromium
from conftest import ROOT

from workbook.authoring import build, notebooks
from workbook.demo import corpus
from workbook import grading, report
from workbook.report import ClassData, Message, CellResult, failure_message

ASSIGNMENT = "01_cross_entropy"
INJECTION = "<img src=x onerror=alert(1)>"
RAISES = f"def nll(input, target):\n    raise ValueError({INJECTION!r})\n"


# -- failure messages -----------------------------------------------------------------------------

def test_messages_that_differ_only_in_numbers_group_together():
    a = failure_message("CheckFailure", "softmax: stability on x * 1000: max abs difference 0.0123; at index (1, 2) "
                        "expected 0.25, got 0.5 (rtol=1.3e-06, atol=1e-05)\n  input: float32 (5, 8) on cpu\n"
                        "  hint: subtract the maximum", "softmax")
    b = failure_message("CheckFailure", "softmax: stability on x * 1000: max abs difference 7.5; at index (0, 0) "
                        "expected 1, got 8.5 (rtol=1.3e-06, atol=1e-05)\n  input: float64 (5, 8) on cpu\n"
                        "  hint: subtract the maximum", "softmax")
    assert a == b == Message("softmax: stability on x * 1000: max abs difference …", "subtract the maximum")
    c = failure_message("CheckFailure", "softmax: stability on x + 100: got nan at index (0, 3) where PyTorch "
                        "gives the finite value 0.345147\n  input: float32 (5, 8) on cpu", "softmax")
    d = failure_message("CheckFailure", "softmax: stability on x + 100: got nan at index (2, 1) where PyTorch "
                        "gives the finite value 0.01\n  input: float32 (5, 8) on cpu", "softmax")
    assert c == d and "x + 100" in c.text and "got nan" in c.text and "0.345" not in c.text
    other_input = failure_message("CheckFailure", "softmax: stability on x * 1000: got nan at index (0, 3) where "
                                  "PyTorch gives the finite value 0.3", "softmax")
    assert other_input != c  # the property names the input: it stays
    shape = failure_message("CheckFailure", "softmax: values, dim=0: shape (3,), expected (3, 5)", "softmax")
    assert shape.text == "softmax: values, dim=0: shape (3,), expected (3, 5)"


def test_a_crash_other_than_a_check_keeps_its_exception_name():
    m = failure_message("NameError", "name 'softmax' is not defined", "softmax")
    assert m.text == "NameError: name 'softmax' is not defined"



def test_a_failure_in_the_course_format_groups_by_its_parts():
    from workbook.course.failures import Failure

    text = Failure("nll", "got 0.25, expected 0.5", "values: dim=0", inputs="float32 (3,) on cpu",
                   code="in nll: return -x.mean()", hint="pick the target's column").render()
    assert failure_message("CheckFailure", text, "nll") == Message("nll: values, dim=0: got …, expected …",
                                                                   "pick the target's column")
    whole = failure_message("CheckFailure", "nll: got 0.25 where 1.5 was due\n  hint: look", "nll")
    assert whole == Message("nll: got … where … was due", "look")  # no property named: the line as it is


# -- a synthetic class (no nbgrader) --------------------------------------------------------------

def _synthetic():
    cells = {"A1": [("test_f_values", "f", 2.0), ("test_f_grad", "f", 1.0), ("test_g", "g", 2.0)],
             "A2": [("test_h", "h", 5.0)]}
    fail = "CheckFailure", "f: values on x: max abs difference 0.5; at index (0,) expected 1, got 2"
    results = []
    for student, failed in [("s<1>", {"test_f_values", "test_f_grad"}), ("s&2", {"test_f_values"}),
                            ("s3", set()), ("s4", {"test_g", "test_h"})]:
        for a, rows in cells.items():
            if student == "s3" and a == "A2":
                continue  # s3 did not hand A2 in
            for gid, ex, pts in rows:
                r = CellResult(student, a, a, gid, ex, 0.0 if gid in failed else pts, pts)
                if gid in failed:
                    r.ename, r.evalue = fail if ex == "f" else ("CheckFailure", f"{ex}: boom <b>{student}</b>")
                results.append(r)
    totals = {}
    for r in results:
        score, mx = totals.setdefault(r.student, {}).get(r.assignment, (0.0, 0.0))
        totals[r.student][r.assignment] = (score + r.score, mx + r.max_score)
    return ClassData(results, totals, ["A1", "A2"], {"A1": [("f", 3.0), ("g", 2.0)], "A2": [("h", 5.0)]}, cells,
                     look=[("s<1>", "A1", "audit: f, line 2: replaces torch.allclose [torch.allclose = <lambda>]")])


def test_pass_rates_and_groups_on_a_synthetic_class():
    summary = report.summarize(_synthetic())
    f = next(s for s in summary.exercises if s.exercise == "f")
    assert (f.passed, f.graded) == (2, 4)
    assert {c.grade_id: c.passed for c in f.cells} == {"test_f_values": 2, "test_f_grad": 3}
    h = next(s for s in summary.exercises if s.exercise == "h")
    assert (h.passed, h.graded) == (2, 3)  # s3 did not submit A2
    [group] = summary.failures[("A1", "f")]  # one message, counted once per student over two cells
    assert sorted(group.students) == ["s&2", "s<1>"] and group.cells == ["test_f_values", "test_f_grad"]
    assert summary.student_totals == {"s<1>": 7.0, "s&2": 8.0, "s3": 5.0, "s4": 3.0}
    assert summary.course_max == 10.0


def test_html_escapes_every_student_derived_text(tmp_path):
    summary = report.summarize(_synthetic())
    png = report.histogram_png(summary, tmp_path / "scores.png")
    page = report.render_html(summary, png, tmp_path)
    assert "<b>s4</b>" not in page and "&lt;b&gt;s4&lt;/b&gt;" in page
    assert "s&lt;1&gt;" in page and "s&amp;2" in page and "s<1>" not in page
    assert "&lt;lambda&gt;" in page
    assert "<script" not in page.lower()


def test_terminal_summary_of_a_synthetic_class():
    text = report.terminal_summary(report.summarize(_synthetic()))
    f_line = next(line for line in text.splitlines() if line.split()[:1] == ["f"])
    assert f_line.split()[:4] == ["f", "3", "2/4", "50%"] and "values 2/4, grad 3/4" in f_line
    assert "2 students: f: values on x: max abs difference …" in text
    assert "s<1>/A1: audit: f, line 2" in text


# -- a class graded by nbgrader -------------------------------------------------------------------

def _answers():
    """student -> (answers, failing test cells), failing cells as the corpus headers say."""
    source = notebooks.read(notebooks.notebook_path(ROOT, "source", ASSIGNMENT))
    reference = notebooks.reference_solutions(source)
    tests = notebooks.test_cells(source)
    exercises = list(reference)
    by_name = {a.path.stem: a for a in corpus.load(ROOT / "tests" / "corpus", ASSIGNMENT)}
    no_max, calls = by_name["softmax_no_max"], by_name["softmax_calls_F_softmax"]
    nll_cells = {c.grade_id for c in tests if notebooks.exercise_of(c.grade_id, exercises) == "nll"}
    return {
        "ada": (reference, set()),
        "ben": ({}, {c.grade_id for c in tests}),
        "cleo": ({**reference, "softmax": no_max.code}, set(no_max.fails)),
        "dev": ({**reference, "softmax": no_max.code}, set(no_max.fails)),
        "eve": ({**reference, "softmax": calls.code}, set(calls.fails)),
        "fay": ({**reference, "nll": RAISES}, nll_cells),
    }, tests, exercises


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("report-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    assert build.build(course, solutions=False, log=lambda *_: None) == []
    students, tests, exercises = _answers()
    release = notebooks.read(notebooks.notebook_path(course, "release", ASSIGNMENT))
    for student, (answers, _) in students.items():
        path = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebooks.make_submission(release, answers), str(path))
    broken = course / "submitted" / "zed" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not a notebook")
    run = grading.grade(course, log=lambda *_: None)
    assert [(s, a) for s, a, _ in run.failed] == [("zed", ASSIGNMENT)]
    return course, students, tests, exercises


@pytest.fixture(scope="module")
def reported(graded):
    course = graded[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = report.report_main(course)
    return course, status, out.getvalue()


@pytest.mark.nbgrader
def test_report_writes_html_and_png(reported):
    course, status, _ = reported
    assert status == 0
    html_path, png_path = course / "reports" / "report.html", course / "reports" / "scores.png"
    png = png_path.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    page = html_path.read_text()
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    # self-contained: nothing is fetched, nothing runs
    assert not re.search(r"https?://|<link\b|<script\b|@import", page)
    assert set(re.findall(r'\bsrc="([a-z]+):', page)) == {"data"}


@pytest.mark.nbgrader
def test_pass_rates_of_every_exercise_and_test_cell(graded):
    course, students, tests, exercises = graded
    summary = report.summarize(report.collect(course))
    n = len(students)
    for cell in tests:
        expected = sum(cell.grade_id not in failing for _, failing in students.values())
        stat = next(c for s in summary.exercises for c in s.cells if c.grade_id == cell.grade_id)
        assert (stat.passed, stat.graded) == (expected, n), cell.grade_id
    for s in summary.exercises:
        cells = {c.grade_id for c in tests if notebooks.exercise_of(c.grade_id, exercises) == s.exercise}
        expected = sum(not (cells & failing) for _, failing in students.values())
        assert (s.passed, s.graded) == (expected, n), s.exercise
    assert [s.exercise for s in summary.exercises] == exercises


@pytest.mark.nbgrader
def test_the_most_frequent_message_comes_first_with_its_count(graded, reported):
    course, *_ = graded
    summary = report.summarize(report.collect(course))
    top = summary.failures[(ASSIGNMENT, "softmax")][0]
    assert sorted(top.students) == ["cleo", "dev"]
    assert top.message.text.startswith("softmax: stability") and "nan" in top.message.text
    assert "subtract the maximum" in top.message.hint
    _, _, out = reported
    assert f"2 students: {top.message.text}" in out
    assert "hint: " + top.message.hint in out
    not_done = [g for g in summary.failures[(ASSIGNMENT, "nll")] if "not implemented yet" in g.message.text]
    assert [g.students for g in not_done] == [["ben"]]


@pytest.mark.nbgrader
def test_student_text_is_escaped_and_flagged_submissions_listed(reported):
    course, _, out = reported
    page = (course / "reports" / "report.html").read_text()
    assert html.escape(INJECTION) in page and INJECTION not in page
    assert "eve/01_cross_entropy: audit: softmax" in out  # calls F.softmax: the audit flags it
    assert "eve" in page.split("Needs a human look")[-1]


@pytest.mark.nbgrader
def test_a_submission_that_could_not_be_graded_needs_a_look(reported):
    course, status, out = reported
    zed = [line for line in out.splitlines() if line.strip().startswith("zed/")]
    assert any("not in the gradebook" in line for line in zed)
    assert any("unreadable" in line for line in zed)
    assert "zed" not in report.summarize(report.collect(course)).student_totals


RENDER_CHECK = """<script>
window.addEventListener("load", function () {
  var img = document.getElementById("histogram"), table = document.getElementById("scores");
  var box = table.getBoundingClientRect(), shown = img.getBoundingClientRect();
  var out = document.createElement("pre");
  out.id = "render-check";
  out.textContent = JSON.stringify({complete: img.complete, natural: [img.naturalWidth, img.naturalHeight],
    shown: [shown.width, shown.height], rows: table.rows.length, table: [box.width, box.height]});
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.nbgrader
def test_chromium_renders_the_table_and_the_picture(reported, tmp_path):
    from PIL import Image

    course, *_ = reported
    page = course / "reports" / "report.html"
    n_students = len(_answers()[0])
    # 1. the page as written: the histogram's bars (its blue) must be on screen
    shot = tmp_path / "shot.png"
    proc = run_chromium([f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()], tmp_path / "p1")
    assert shot.exists(), proc.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16)
    blue = (np.abs(pixels - np.array([0x3B, 0x6E, 0xA8])) < 12).all(axis=-1).sum()
    assert blue > 2000, "the embedded histogram did not render"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50, "the screenshot is blank"
    # 2. a copy with a probe script (the report itself allows none): the image decoded, the table laid out
    probe = page.with_name("render-check.html")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
    probe.write_text(text.replace("</body>", RENDER_CHECK + "</body>"))
    proc = run_chromium(["--dump-dom", "--virtual-time-budget=10000", probe.as_uri()], tmp_path / "p2")
    found = re.search(r'<pre id="render-check">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    check = json.loads(html.unescape(found.group(1)))
    width, height = Image.open(course / "reports" / "scores.png").size
    assert check["complete"] and check["natural"] == [width, height]
    assert check["shown"][0] > 100 and check["shown"][1] > 50
    assert check["rows"] == 1 + n_students and check["table"][0] > 100 and check["table"][1] > 20 * n_students
