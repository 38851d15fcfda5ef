"""The gradebook helpers `workbook grade` relies on, on a scratch SQLite gradebook."""

from nbgrader.api import Gradebook

from workbook.grading import gradebook


def _students(url):
    with Gradebook(url, gradebook.COURSE_ID) as gb:
        return sorted(s.id for s in gb.students)


def test_students_are_added_before_grading_once_each(tmp_path):
    # Parallel autogrades of one new student used to race to add them (UNIQUE student.id).
    url = gradebook.default_url(tmp_path)
    gradebook.add_students(url, {"ada", "ben"})
    gradebook.add_students(url, ["ben", "cleo", "cleo"])
    assert _students(url) == ["ada", "ben", "cleo"]


def test_export_writes_nbgrader_csv_header_for_an_empty_class(tmp_path):
    url = gradebook.default_url(tmp_path)
    gradebook.add_students(url, {"ada"})
    target = tmp_path / "grades.csv"
    gradebook.export_csv(url, target)
    header = target.read_text().splitlines()[0].split(",")
    assert header[:2] == ["assignment", "duedate"] and "student_id" in header and "score" in header
