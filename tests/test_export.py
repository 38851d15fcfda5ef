"""`workbook export`: grade files Canvas and Moodle import as they are, read back as each LMS
reads them; feedback zips; nbgrader zip_collect of an LMS download into submitted/.

The gradebook is written directly through nbgrader's Gradebook API (grading itself is tested
elsewhere; tests/test_late.py grades a real late submission end to end).
"""

import csv
import io
import os
import shutil
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from conftest import ROOT
from workbook import cli
from workbook.course.table import ASSIGNMENT_TABLE, COURSE_ID
from workbook.demo.run import BAD_STUDENT, MISTAKE_STUDENTS
from workbook.grading import gradebook, nbgrader_bridge

DEMO = ["ada", "ben", *MISTAKE_STUDENTS, BAD_STUDENT]  # the demo's class: ada ben cleo dev eli zoe
POINTS = {a.name: sum(e.points for e in a.exercises) for a in ASSIGNMENT_TABLE}
# the scores each demo student gets (None: no submission), and eli's late penalty on 01
SCORES = {"ada": [30, 20, 20, 30], "ben": [0, 0, 0, 0], "cleo": [27, 18, 20, 28.5], "dev": [25, 20, 17, 30],
          "eli": [30, 15, 20, None], "zoe": [24, None, None, None]}
PENALTY = {("eli", "01_cross_entropy"): 3.0}
DUE = datetime(2026, 12, 1, 12, 0)  # every assignment's due date (UTC); eli handed 01 in 26 hours late
LATE = {("eli", "01_cross_entropy"): timedelta(hours=26)}

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_cross_entropy (1234)",
                 "Quiz 1 (99)", "Current Score", "Final Score"]
CANVAS_ROWS = [  # Canvas's own export: points row, a test student, a student who handed nothing in; no zoe
    ["    Points Possible", "", "", "", "", "30", "5", "(read only)", "(read only)"],
    ["Lovelace, Ada", "1001", "S1001", "ada", "Section A", "", "5", "", ""],
    ["Bennet, Ben", "1002", "S1002", "ben", "Section A", "", "4", "", ""],
    ["Müller, Cleo", "1003", "S1003", "cleo", "Section B", "", "", "", ""],
    ["Đặng, Dev", "1004", "S1004", "dev", "Section B", "", "", "", ""],
    ["Ekström, Eli", "1005", "S1005", "eli", "Section B", "", "", "", ""],
    ["Fairfax, Fay", "1006", "S1006", "fay", "Section B", "", "", "", ""],
    ["Student, Test", "1999", "", "", "Section A", "", "", "", ""],
]


def make_gradebook(root: Path, students=DEMO, scores=SCORES, penalty=PENALTY) -> str:
    """A gradebook holding the course's assignments, test cells and points, and the given scores."""
    url = gradebook.default_url(root)
    with Gradebook(url, COURSE_ID) as gb:
        for a in ASSIGNMENT_TABLE:
            gb.add_assignment(a.name, duedate=DUE)
            gb.add_notebook(a.name, a.name)
            for exercise in a.exercises:
                for grade_id, points in exercise.tests:
                    gb.add_grade_cell(grade_id, a.name, a.name, max_score=points, cell_type="code")
        for student in students:
            gb.add_student(student)
            for a, score in zip(ASSIGNMENT_TABLE, scores[student]):
                if score is None:
                    continue
                gb.add_submission(a.name, student, timestamp=DUE + LATE.get((student, a.name), -timedelta(hours=1)))
                left = float(score)
                for grade in sorted(gb.find_submission_notebook(a.name, a.name, student).grades,
                                    key=lambda g: g.name):
                    grade.auto_score = min(left, grade.max_score)
                    left -= grade.auto_score
                nb = gb.find_submission_notebook(a.name, a.name, student)
                nb.late_submission_penalty = penalty.get((student, a.name))
                gb.db.commit()
    return url


def write_csv(path: Path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def export(root, *args, capsys=None):
    code = cli.main(["export", "--root", str(root), *args])
    return code, (capsys.readouterr().out if capsys else "")


@pytest.fixture(scope="module")
def class_gradebook(tmp_path_factory) -> Path:
    """The demo class's gradebook, written once (seconds on a busy machine) and copied per test."""
    folder = tmp_path_factory.mktemp("gradebook")
    make_gradebook(folder)
    return folder / "gradebook.db"


@pytest.fixture
def course(tmp_path, class_gradebook):
    shutil.copy(class_gradebook, tmp_path / "gradebook.db")
    write_csv(tmp_path / "canvas-roster.csv", CANVAS_HEADER, CANVAS_ROWS)
    return tmp_path


def final(student, k):
    a = ASSIGNMENT_TABLE[k].name
    return max(0.0, SCORES[student][k] - PENALTY.get((student, a), 0.0))


def test_canvas_file_reads_back_as_canvas_reads_it(course, capsys):
    code, out = export(course, "--format", "canvas", "--roster", str(course / "canvas-roster.csv"),
                       "--assignment-column", "02_training_loop=Training loop (5678)", capsys=capsys)
    raw = (course / "exports" / "canvas-grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, as Canvas exports it"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    # Canvas's layout: the five identity columns, then one column per assignment; the name of an
    # existing Canvas assignment (from the roster, or given) as "Name (ID)", else the nbgrader name
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_cross_entropy (1234)",
                       "Training loop (5678)", "03_modules", "04_data_loading"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "30", "20", "20", "30"]
    body = rows[2:]
    # one row per roster student with an nbgrader id (Canvas's test student has none: listed in the log)
    assert [r[3] for r in body] == ["ada", "ben", "cleo", "dev", "eli", "fay"]
    assert [r[1] for r in body] == ["1001", "1002", "1003", "1004", "1005", "1006"]
    by_login = {r[3]: r for r in body}
    assert by_login["cleo"][0] == "Müller, Cleo" and by_login["dev"][0] == "Đặng, Dev"
    for student in ("ada", "ben", "cleo", "dev"):
        assert [float(x) for x in by_login[student][5:]] == [final(student, k) for k in range(4)]
    assert by_login["cleo"][8] == "28.5"
    # eli: the late 01 is exported after its penalty (30 - 3); no 04 submission: an empty cell
    assert by_login["eli"][5:] == ["27", "15", "20", ""]
    assert by_login["fay"][5:] == ["", "", "", ""]
    # zoe was graded but is not in the roster: listed, in the terminal and the log, and exit 1
    assert code == 1
    assert "MISSING zoe: graded, but not in the roster" in out
    log = (course / "exports" / "export.log").read_text()
    assert "Missing from the file (1)" in log and "zoe: graded, but not in the roster" in log
    assert "Fairfax, Fay (fay)" in log and "04_data_loading: no submission from eli" in log
    assert "without a 'SIS Login ID'" in log and "Student, Test" in log
    assert "eli/01_cross_entropy 1 d 2 h late, -3" in log


def test_canvas_export_exits_0_when_every_graded_student_is_in_the_roster(course, capsys):
    zoe = ["Zhang, Zoe", "1007", "S1007", "zoe", "Section A"]
    write_csv(course / "roster.csv", CANVAS_HEADER[:5], [r[:5] for r in CANVAS_ROWS] + [zoe])
    code, out = export(course, "--format", "canvas", "--roster", str(course / "roster.csv"), capsys=capsys)
    assert code == 0, out
    rows = list(csv.reader(io.StringIO((course / "exports" / "canvas-grades.csv").read_text("utf-8-sig"))))
    assert len(rows) == 2 + 7, "header, points, the six demo students and fay"
    assert rows[2][5:] == ["30", "20", "20", "30"] and rows[3][5:] == ["0", "0", "0", "0"]
    assert rows[-1][:2] == ["Zhang, Zoe", "1007"] and rows[-1][5:] == ["24", "", "", ""]
    assert "0 graded student(s) missing" in out


def test_moodle_file_reads_back_as_moodle_reads_it(course, capsys):
    tmp_path = course
    header = ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
              "Assignment: 01_cross_entropy (Real)", "Last downloaded from this course"]
    people = [("Ada", "Lovelace", "ada"), ("Ben", "Bennet", "ben"), ("Cleo", "Müller", "cleo"),
              ("Dev", "Đặng", "dev"), ("Eli", "Ekström", "eli"), ("Zoe", "Zhang", "zoe")]
    write_csv(tmp_path / "moodle.csv", header,
              [[f, l, i, "Uni", "CS", f"{i}@example.org", "", "1764000000"] for f, l, i in people], encoding="utf-8")
    code, out = export(tmp_path, "--format", "moodle", "--roster", str(tmp_path / "moodle.csv"), capsys=capsys)
    assert code == 0, out
    raw = (tmp_path / "exports" / "moodle-grades.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert list(rows[0]) == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                             "Assignment: 01_cross_entropy (Real)", "02_training_loop", "03_modules",
                             "04_data_loading"]
    assert [r["ID number"] for r in rows] == [i for _, _, i in people], "no points row: every row is a student"
    by_id = {r["ID number"]: r for r in rows}
    assert by_id["cleo"]["Last name"] == "Müller" and by_id["cleo"]["Email address"] == "cleo@example.org"
    assert by_id["eli"]["Assignment: 01_cross_entropy (Real)"] == "27" and by_id["eli"]["04_data_loading"] == ""
    assert float(by_id["dev"]["03_modules"]) == 17
    assert by_id["zoe"]["Assignment: 01_cross_entropy (Real)"] == "24" and by_id["zoe"]["02_training_loop"] == ""
    assert "set each grade item's maximum" in out


@pytest.mark.parametrize("problem, rows, args, message", [
    ("no id column", [["Lovelace, Ada", "1001"]], ["--id-column", "Username"], "has no column 'Username'"),
    ("a duplicate id", [["A", "1", "S1", "ada", "x"], ["B", "2", "S2", "ada", "x"]], [], "'ada' appears twice"),
])
def test_an_unusable_roster_is_one_line_and_exit_2(course, capsys, problem, rows, args, message):
    header = CANVAS_HEADER[:2] if problem == "no id column" else CANVAS_HEADER[:5]
    write_csv(course / "bad.csv", header, rows)
    code, out = export(course, "--format", "canvas", "--roster", str(course / "bad.csv"), *args, capsys=capsys)
    assert code == 2 and message in out and len(out.strip().splitlines()) == 1
    assert not (course / "exports" / "canvas-grades.csv").exists()


def test_only_graded_assignments_become_columns(tmp_path, capsys):
    make_gradebook(tmp_path, ["ada"], {"ada": [30, None, None, None]})
    write_csv(tmp_path / "roster.csv", CANVAS_HEADER[:5], [CANVAS_ROWS[1][:5]])
    code, out = export(tmp_path, "--format", "canvas", "--roster", str(tmp_path / "roster.csv"), capsys=capsys)
    rows = list(csv.reader(open(tmp_path / "exports" / "canvas-grades.csv", encoding="utf-8-sig")))
    assert code == 0 and rows[0][5:] == ["01_cross_entropy"] and rows[1][5:] == ["30"] and rows[2][5:] == ["30"]
    assert "nothing graded yet: 02_training_loop, 03_modules, 04_data_loading" in out


def test_a_grade_file_needs_a_roster(course, capsys):
    code, out = export(course, "--format", "canvas", capsys=capsys)
    assert code == 2 and "needs --roster" in out


def test_feedback_zips_hold_exactly_each_students_own_feedback(course, capsys):
    pages = {}
    for student in DEMO:
        for a in ("01_cross_entropy", "02_training_loop"):
            page = course / "feedback" / student / a / f"{a}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"<p>feedback for {student} on {a}</p>")
            pages.setdefault(student, set()).add(f"{a}/{a}.html")
    # a link planted in ben's folder to ada's page must not carry ada's feedback into ben's zip
    os.symlink(course / "feedback" / "ada" / "01_cross_entropy" / "01_cross_entropy.html",
               course / "feedback" / "ben" / "01_cross_entropy" / "ada.html")
    code, out = export(course, "--format", "feedback-zips", "--roster", str(course / "canvas-roster.csv"),
                       capsys=capsys)
    folder = course / "exports" / "feedback"
    assert sorted(p.name for p in folder.glob("*.zip")) == sorted(f"{s}.zip" for s in DEMO)
    for student in DEMO:
        with zipfile.ZipFile(folder / f"{student}.zip") as zf:
            assert set(zf.namelist()) == pages[student]
            for name in zf.namelist():
                assert f"feedback for {student} on" in zf.read(name).decode()
    index = {r["nbgrader id"]: r for r in csv.DictReader(open(folder / "index.csv", encoding="utf-8"))}
    assert index["cleo"]["LMS name"] == "Müller, Cleo" and index["cleo"]["LMS ID"] == "1003"
    assert code == 1 and "zoe: has feedback, but is not in the roster" in out  # listed, never dropped
    assert "in the roster, no feedback: fay" in out


def _course_with_release(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    (course / "release").mkdir(parents=True)
    shutil.copytree(ROOT / "release" / "01_cross_entropy", course / "release" / "01_cross_entropy")
    return course


def _lms_zip(course: Path, names: dict[str, str]):
    archive = course / "downloaded" / "01_cross_entropy" / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        for name, text in names.items():
            zf.writestr(name, text)


@pytest.mark.nbgrader
def test_zip_collect_of_a_canvas_download_lands_in_submitted(tmp_path):
    course = _course_with_release(tmp_path)
    write_csv(course / "canvas-roster.csv", CANVAS_HEADER, CANVAS_ROWS)
    (course / "nbgrader_config.py").write_text(  # what the README tells the instructor to add
        'c = get_config()\n'
        'c.ZipCollectApp.collector_plugin = "workbook.export.lms_collect.LmsCollector"\n'
        'c.LmsCollector.lms = "canvas"\n'
        'c.LmsCollector.roster = "canvas-roster.csv"\n')
    _lms_zip(course, {"lovelaceada_1001_50001_01_cross_entropy.ipynb": '{"ada": 1}',
                      "mullercleo_late_1003_50002_01_cross_entropy-1.ipynb": '{"cleo": 1}',  # a second upload
                      "strangerx_9999_50003_01_cross_entropy.ipynb": '{"stranger": 1}'})
    nbgrader_bridge.run(["zip_collect", "01_cross_entropy"], course)
    found = sorted(p.relative_to(course / "submitted").as_posix() for p in (course / "submitted").rglob("*.ipynb"))
    assert found == ["ada/01_cross_entropy/01_cross_entropy.ipynb", "cleo/01_cross_entropy/01_cross_entropy.ipynb"]
    assert (course / "submitted/cleo/01_cross_entropy/01_cross_entropy.ipynb").read_text() == '{"cleo": 1}'


@pytest.mark.nbgrader
def test_zip_collect_of_a_moodle_download_lands_in_submitted(tmp_path):
    course = _course_with_release(tmp_path)
    write_csv(course / "moodle.csv", ["First name", "Last name", "ID number"],
              [["Ada", "Lovelace", "ada"], ["Cleo", "Müller", "cleo"]], encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\n'
        'c.ZipCollectApp.collector_plugin = "workbook.export.lms_collect.LmsCollector"\n'
        'c.LmsCollector.lms = "moodle"\n'
        'c.LmsCollector.roster = "moodle.csv"\n')
    _lms_zip(course, {"Ada Lovelace_301_assignsubmission_file_01_cross_entropy.ipynb": '{"ada": 1}',
                      "Cleo Müller_302_assignsubmission_file_/01_cross_entropy.ipynb": '{"cleo": 1}'})
    nbgrader_bridge.run(["zip_collect", "01_cross_entropy"], course)
    found = sorted(p.relative_to(course / "submitted").as_posix() for p in (course / "submitted").rglob("*.ipynb"))
    assert found == ["ada/01_cross_entropy/01_cross_entropy.ipynb", "cleo/01_cross_entropy/01_cross_entropy.ipynb"]
