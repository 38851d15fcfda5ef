"""Read scores out of nbgrader's gradebook (SQLite by default, PostgreSQL with a URL)."""

from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from workbook.course.table import COURSE_ID  # noqa: F401  (set once, there; nbgrader_config.py reads it too)

from . import nbgrader_bridge
from .nbgrader_bridge import put_environment_tools_on_path

put_environment_tools_on_path()  # nbgrader's Gradebook runs `alembic` through PATH


def default_url(root) -> str:
    """The course's SQLite gradebook; parallel graders wait up to 2 minutes for its lock."""
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}?timeout=120"


def configured_url(root, override: str | None = None) -> str:
    """The gradebook to use: ``override`` (--db), else nbgrader_config.py's, else SQLite.

    A plain ``postgresql://`` URL is given the psycopg (3) driver explicitly, the one this
    package installs, whatever SQLAlchemy's default driver is.
    """
    url = override or _url_from_config(Path(root)) or default_url(root)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


def existing_url(root, override: str | None = None) -> str:
    """``configured_url``, which must already exist, for readers of a graded class (report,
    export): opening a missing SQLite gradebook would quietly create an empty one."""
    url = configured_url(root, override)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):].split("?")[0])
        if not path.exists():
            raise FileNotFoundError(f"no gradebook at {path}: grade the class first (`workbook grade`)")
    return url


def _url_from_config(root: Path) -> str | None:
    url = nbgrader_bridge.course_config(root).get("CourseDirectory", {}).get("db_url")
    return str(url) if url else None


def assignment_names(db_url: str) -> set[str]:
    with Gradebook(db_url, COURSE_ID) as gb:
        return {a.name for a in gb.assignments}


def add_students(db_url: str, students):
    """Put students missing from the gradebook there, one after another.

    nbgrader autograde adds an unknown student itself, but two of them grading the same new
    student in parallel (two assignments) both try, and one fails on the unique key.
    """
    with Gradebook(db_url, COURSE_ID) as gb:
        known = {s.id for s in gb.students}
        for student in sorted(set(students) - known):
            gb.update_or_create_student(student)


def export_csv(db_url: str, path):
    """nbgrader's own CSV exporter (what ``nbgrader export`` runs), here without a new process."""
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(db_url, COURSE_ID) as gb:
        CsvExportPlugin(to=str(path)).export(gb)


def remove_submission(db_url: str, assignment: str, student: str):
    """Delete a submission's grades, if any (a regrade that failed must not look current)."""
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            gb.remove_submission(assignment, student)
        except MissingEntry:
            pass


@dataclass(frozen=True)
class CellScore:
    student: str
    assignment: str
    notebook: str
    grade_id: str
    score: float
    max_score: float


def cell_scores(db_url: str) -> list[CellScore]:
    """Every graded test cell of every submission."""
    rows = []
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    rows += [CellScore(submission.student.id, assignment.name, nb.name, g.name,
                                       float(g.score), float(g.max_score)) for g in nb.grades]
    return rows


def totals(db_url: str) -> dict[str, dict[str, tuple[float, float]]]:
    """student -> assignment -> (score, max score), for every submission in the gradebook."""
    table: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                table.setdefault(student.id, {})[assignment.name] = (float(sub.score), float(sub.max_score))
    return table


@dataclass(frozen=True)
class Late:
    """A submission handed in after its due date: nbgrader's timestamp (from the submission's
    ``timestamp.txt``) against the assignment's due date, and the penalty its late-submission
    plugin assigned (``c.AssignLatePenalties.plugin_class`` in nbgrader_config.py)."""
    seconds: float
    penalty: float

    @property
    def how_late(self) -> str:
        return duration(self.seconds)


def duration(seconds: float) -> str:
    """``2 d 3 h``, ``4 h 05 min``, ``12 min``, ``40 s``: how late, as a person says it."""
    s = int(round(seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{s} s"


def lateness(db_url: str) -> dict[tuple[str, str], Late]:
    """(student, assignment) -> Late, for every submission the gradebook has as late."""
    late = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                if sub.total_seconds_late > 0:
                    late[(sub.student.id, assignment.name)] = Late(float(sub.total_seconds_late),
                                                                   float(sub.late_submission_penalty or 0.0))
    return late


def parse_due_date(text: str):
    """A due date with its time zone (``2026-12-10 23:59 Europe/Berlin``, ``2026-12-10T23:59+01:00``,
    ``...Z``) as nbgrader stores it (naive UTC). Without a zone it is refused: nbgrader would
    read it as UTC, an hour or more off the deadline the students were told."""
    import dateutil.parser
    import dateutil.tz
    from nbgrader.utils import parse_utc

    parts = text.strip().split(" ")
    try:
        if len(parts) == 3:
            zone = parts[2]
            # a numeric zone here would be read by nbgrader as seconds: offsets go in ISO form
            known = not zone.lstrip("+-").isdigit() and dateutil.tz.gettz(zone) is not None
            dateutil.parser.parse(" ".join(parts[:2]))
        else:
            known = dateutil.parser.parse(text).tzinfo is not None
    except (ValueError, OverflowError):
        raise ValueError(f"not a date: {text!r} (write e.g. 2026-12-10 23:59 Europe/Berlin)") from None
    if not known:
        raise ValueError(f"due date {text!r} has no (known) time zone: write e.g. '2026-12-10 23:59 Europe/Berlin' "
                         "or '2026-12-10T23:59+01:00'")
    return parse_utc(text.strip())


def set_due_dates(db_url: str, due: dict[str, str]):
    """Record each assignment's due date in the gradebook, where nbgrader's autograde compares
    each submission's timestamp with it (as ``nbgrader db assignment add --duedate`` does)."""
    parsed = {assignment: parse_due_date(text) for assignment, text in due.items()}  # all valid, or none written
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment, when in parsed.items():
            gb.update_or_create_assignment(assignment, duedate=when)


def due_dates(db_url: str) -> dict[str, object]:
    """assignment -> due date (naive UTC datetime), for the assignments that have one."""
    with Gradebook(db_url, COURSE_ID) as gb:
        return {a.name: a.duedate for a in gb.assignments if a.duedate is not None}


def format_table(table: dict[str, dict[str, tuple[float, float]]], assignments: list[str],
                 late: dict[tuple[str, str], Late] | None = None) -> str:
    """A plain-text grade table: one row per student, one column per assignment, a total.

    A late submission (``late``, from :func:`lateness`) shows its score after the penalty,
    how late it was and the penalty: ``24/30 late 1 d 2 h -6``; the total counts the penalised score.
    """
    late = late or {}
    header = ["student", *assignments, "total"]
    rows = []
    for student in sorted(table):
        cells, got, out_of = [student], 0.0, 0.0
        for a in assignments:
            if a in table[student]:
                score, max_score = table[student][a]
                when = late.get((student, a))
                if when is not None:
                    score = max(0.0, score - when.penalty)
                    cells.append(f"{score:g}/{max_score:g} late {when.how_late}"
                                 + (f" -{when.penalty:g}" if when.penalty else ""))
                else:
                    cells.append(f"{score:g}/{max_score:g}")
                got, out_of = got + score, out_of + max_score
            else:
                cells.append("-")
        cells.append(f"{got:g}/{out_of:g}")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- A cluster's scratch gradebooks (cluster_results.py) ----------------------------------
# Dask workers grade into a private SQLite gradebook that holds the course's assignments but
# no credentials; the grader alone copies the autograder's results into the real one.

STRUCTURE_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells", "source_cell")


def copy_assignments(source_url: str, target_url: str, assignments):
    """The rows that describe ``assignments`` (notebooks, cells, checksums), copied as they are from
    ``source_url`` into a new gradebook at ``target_url``: autograde there checks a submission
    against exactly what the real gradebook holds."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, select, text

    source, target = create_engine(source_url), create_engine(target_url)
    tables = Base.metadata.tables
    try:
        Base.metadata.create_all(target)
        with source.connect() as read, target.begin() as write:
            # What Gradebook() would write into a new database, without its `alembic heads` process
            version = read.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            write.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            write.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
            write.execute(tables["course"].insert(), [dict(r._mapping) for r in read.execute(select(tables["course"]))])
            ids = {"assignment": [r.id for r in read.execute(select(tables["assignment"].c.id)
                                                             .where(tables["assignment"].c.name.in_(sorted(assignments))))]}
            ids["notebook"] = [r.id for r in read.execute(select(tables["notebook"].c.id)
                                                          .where(tables["notebook"].c.assignment_id.in_(ids["assignment"])))]
            ids["base_cell"] = [r.id for r in read.execute(select(tables["base_cell"].c.id)
                                                           .where(tables["base_cell"].c.notebook_id.in_(ids["notebook"])))]
            for name in STRUCTURE_TABLES:
                table = tables[name]
                if name in ("assignment", "notebook"):
                    where = table.c.id.in_(ids[name])
                elif name == "source_cell":
                    where = table.c.notebook_id.in_(ids["notebook"])
                else:  # base_cell and its subclasses share its ids
                    where = table.c.id.in_(ids["base_cell"])
                rows = [dict(r._mapping) for r in read.execute(select(table).where(where))]
                if rows:
                    write.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()


def submission_record(db_url: str, assignment: str, student: str) -> dict | None:
    """One submission's rows by name (JSON-able), or None when it has none: what nbgrader's
    autograde reads and writes, and the instructor's manual grades that feedback shows."""
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
            "extension_s": sub.extension.total_seconds() if sub.extension else None,
            "notebooks": {nb.name: {
                "flagged": bool(nb.flagged),
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "manual_score": g.manual_score,
                                    "extra_credit": g.extra_credit, "needs_manual_grade": bool(g.needs_manual_grade)}
                           for g in nb.grades},
                "comments": {c.name: {"auto_comment": c.auto_comment, "manual_comment": c.manual_comment}
                             for c in nb.comments},
            } for nb in sub.notebooks},
        }


def _parse_time(text):
    import datetime

    return datetime.datetime.fromisoformat(text) if text else None


def restore_submission(db_url: str, assignment: str, student: str, record: dict):
    """Put a submission's rows (``submission_record``'s) into a scratch gradebook before grading,
    so that autograde and feedback there start from what the real gradebook holds."""
    import datetime

    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_student(student)
        sub = gb.update_or_create_submission(assignment, student)
        sub.timestamp = _parse_time(record["timestamp"])
        sub.extension = datetime.timedelta(seconds=record["extension_s"]) if record["extension_s"] else None
        for nb in sub.notebooks:
            saved = record["notebooks"].get(nb.name)
            if saved is None:
                continue
            nb.flagged, nb.late_submission_penalty = saved["flagged"], saved["late_submission_penalty"]
            for grade in nb.grades:
                for column, value in saved["grades"].get(grade.name, {}).items():
                    setattr(grade, column, value)
            for comment in nb.comments:
                for column, value in saved["comments"].get(comment.name, {}).items():
                    setattr(comment, column, value)
        gb.db.commit()


def record_autograde(db_url: str, assignment: str, student: str, record: dict):
    """Write what nbgrader's autograde writes (the submission's time, each cell's automatic score
    and comment, late penalties) from a worker's scratch gradebook into ``db_url``, as
    autograde would have: manual grades stay, and a cell with one is marked for review.

    The record comes from a machine we trust less than this one: it must name exactly the
    assignment's notebooks and cells, and no score may leave 0..max. ValueError otherwise,
    and nothing is written."""
    import math

    with Gradebook(db_url, COURSE_ID) as gb:
        expected = {nb.name: ({c.name: float(c.max_score) for c in [*nb.grade_cells, *nb.task_cells]},
                              {c.name for c in [*nb.solution_cells, *nb.task_cells]})
                    for nb in gb.find_assignment(assignment).notebooks}
        got = record.get("notebooks", {})
        if set(got) != set(expected):
            raise ValueError(f"notebooks {sorted(got)} are not the assignment's {sorted(expected)}")
        for name, (max_scores, comment_cells) in expected.items():
            grades, comments = got[name].get("grades", {}), got[name].get("comments", {})
            if set(grades) != set(max_scores) or set(comments) != comment_cells:
                raise ValueError(f"{name}: the grade or comment cells are not the assignment's")
            for cell, values in grades.items():
                score = values.get("auto_score")
                if score is not None and not (isinstance(score, (int, float)) and math.isfinite(score)
                                              and 0 <= score <= max_scores[cell]):
                    raise ValueError(f"{name}/{cell}: score {score!r} is not between 0 and {max_scores[cell]:g}")
            penalty = got[name].get("late_submission_penalty")
            if penalty is not None and not (isinstance(penalty, (int, float)) and math.isfinite(penalty) and penalty >= 0):
                raise ValueError(f"{name}: late penalty {penalty!r}")
        gb.update_or_create_student(student)
        sub = gb.update_or_create_submission(assignment, student)
        sub.timestamp = _parse_time(record.get("timestamp"))
        for nb in sub.notebooks:
            saved = got[nb.name]
            nb.late_submission_penalty = saved.get("late_submission_penalty")
            for grade in nb.grades:
                grade.auto_score = saved["grades"][grade.name]["auto_score"]
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            for comment in nb.comments:
                comment.auto_comment = saved["comments"][comment.name]["auto_comment"]
        gb.db.commit()
