"""Late submissions: due dates (`workbook build --due`), nbgrader's timestamp.txt, the course's
late-penalty plugin (nbgrader_config.py), and lateness in the grade table, the report and the
exports. One class is graded end to end by `workbook grade`."""

import contextlib
import csv
import io
import shutil

import nbformat
import pytest

from conftest import ROOT
from workbook import cli, report
from workbook.authoring import notebooks
from workbook.grading import gradebook, nbgrader_bridge
from workbook.grading.late_penalty import penalty_per_day

ASSIGNMENT = "01_cross_entropy"
DUE = "2026-12-01 12:00 Europe/Berlin"  # 11:00 UTC
HANDED_IN = {  # what each student's timestamp.txt says (as nbgrader's collect writes it)
    "ada": "2026-12-01 10:00:00.000000 UTC",   # on time
    "ben": "2026-12-01 11:10:00.000000 UTC",   # 10 minutes late: within the 15 minutes' grace
    "eli": "2026-12-02 13:30:00.000000 UTC",   # 26 h 30 min late: two days started, 20 % off
}


@pytest.mark.parametrize("seconds, expected", [
    (0, None), (10 * 60, None),                  # on time; within the grace period
    (16 * 60, 3.0), (86400 + 15 * 60, 3.0),      # the first day (after the grace) costs 10 %
    (86400 + 16 * 60, 6.0), (7 * 86400, 21.0),   # each day started costs 10 % more
    (7 * 86400 + 16 * 60, 30.0),                 # more than 7 days: the whole score
])
def test_the_course_penalty_per_day(seconds, expected):
    assert penalty_per_day(30.0, seconds, 10.0, grace_minutes=15, zero_after_days=7) == expected


def test_a_penalty_never_exceeds_the_score():
    assert penalty_per_day(12.0, 30 * 86400, 25.0) == 12.0
    assert penalty_per_day(0.0, 86400, 10.0) == 0.0


@pytest.mark.parametrize("due, message", [
    ("01_cross_entropy=2026-12-10T23:59", "has no (known) time zone"),
    ("01_cross_entropy=2026-12-10 23:59 +0100", "has no (known) time zone"),
    ("01_cross_entropy=next friday", "not a date"),
    ("99_missing=2026-12-10 23:59 UTC", "not an assignment of this course"),
    ("01_cross_entropy", "write ASSIGNMENT=DATE"),
])
def test_a_bad_due_date_is_refused_in_one_line_before_anything_is_built(tmp_path, capsys, due, message):
    (tmp_path / "source" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{}")
    assert cli.main(["build", "--root", str(tmp_path), "--no-solutions", "--due", due]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "release").exists() and not (tmp_path / "gradebook.db").exists()


def test_due_dates_with_a_zone_are_stored_in_utc(tmp_path):
    assert str(gradebook.parse_due_date(DUE)) == "2026-12-01 11:00:00"
    url = gradebook.default_url(tmp_path)
    gradebook.set_due_dates(url, {ASSIGNMENT: "2026-12-01T12:00+01:00"})
    assert {a: str(d) for a, d in gradebook.due_dates(url).items()} == {ASSIGNMENT: "2026-12-01 11:00:00"}
    assert str(gradebook.parse_due_date("2026-12-01T12:00+01:00")) == "2026-12-01 11:00:00"
    assert str(gradebook.parse_due_date("2026-12-01T11:00Z")) == "2026-12-01 11:00:00"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """ada, ben and eli hand in the reference solutions at the times above; `workbook grade`."""
    course = tmp_path_factory.mktemp("late-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    # what `workbook build --due` does, without the wheel and the leak checks (a minute on a busy machine)
    nbgrader_bridge.run(["generate_assignment", ASSIGNMENT, "--force"], course)
    gradebook.set_due_dates(gradebook.default_url(course), {ASSIGNMENT: DUE})
    release = notebooks.read(notebooks.notebook_path(course, "release", ASSIGNMENT))
    reference = notebooks.reference_solutions(notebooks.read(notebooks.notebook_path(course, "source", ASSIGNMENT)))
    for student, stamp in HANDED_IN.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebooks.make_submission(release, reference), str(folder / f"{ASSIGNMENT}.ipynb"))
        (folder / "timestamp.txt").write_text(stamp)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(["grade", "--root", str(course), "--jobs", "2"])
    assert status == 0, out.getvalue()
    return course, out.getvalue()


@pytest.mark.nbgrader
def test_grading_a_late_submission_charges_the_penalty_nbgrader_computes(graded):
    course, printed = graded
    url = gradebook.default_url(course)
    assert gradebook.totals(url) == {s: {ASSIGNMENT: (30.0, 30.0)} for s in HANDED_IN}, "raw scores: full marks"
    late = gradebook.lateness(url)
    assert sorted(late) == [("ben", ASSIGNMENT), ("eli", ASSIGNMENT)]
    assert late[("eli", ASSIGNMENT)] == gradebook.Late(26.5 * 3600, 6.0)
    assert late[("ben", ASSIGNMENT)] == gradebook.Late(600.0, 0.0)
    table = {line.split()[0]: line for line in printed.splitlines() if line.split()[:1] in (["ada"], ["ben"], ["eli"])}
    assert "late" not in table["ada"] and "30/30" in table["ada"]
    assert "30/30 late 10 min" in table["ben"] and "-" not in table["ben"].split("late")[1]
    assert "24/30 late 1 d 2 h -6" in table["eli"] and table["eli"].rstrip().endswith("24/30")
    # nbgrader's own grades.csv, written by `workbook grade`, agrees
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv"))}
    assert float(rows["eli"]["late_submission_penalty"]) == 6.0 and float(rows["eli"]["score"]) == 24.0


@pytest.mark.nbgrader
def test_the_report_and_the_export_show_lateness_and_the_penalised_score(graded, capsys):
    course, _ = graded
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert report.report_main(course) == 0
    text = out.getvalue()
    assert "eli/01_cross_entropy: 1 d 2 h late, penalty 6: 24/30 (before the penalty 30)" in text
    assert "ada/01_cross_entropy" not in text.split("Late submissions")[1]
    html = (course / "reports" / "report.html").read_text()
    assert '<h2 id="late">Late submissions</h2>' in html
    assert "<td>eli</td><td>01_cross_entropy</td><td>1 d 2 h</td>" in html
    assert "24/30 (late 1 d 2 h, &minus;6)" in html
    roster = course / "roster.csv"
    with open(roster, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
                                  ["A, Ada", "1", "", "ada", ""], ["B, Ben", "2", "", "ben", ""],
                                  ["E, Eli", "5", "", "eli", ""]])
    assert cli.main(["export", "--root", str(course), "--format", "canvas", "--roster", str(roster)]) == 0
    rows = list(csv.reader(open(course / "exports" / "canvas-grades.csv", encoding="utf-8-sig")))
    assert [r[3:] for r in rows[2:]] == [["ada", "", "30"], ["ben", "", "30"], ["eli", "", "24"]]
