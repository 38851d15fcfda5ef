"""`workbook export`: write the LMS's file, and list every student missing on either side
(in the terminal and in ``<out>/export.log``), never dropping one silently.

Exit status: 0 when every graded student is in the file; 1 when some graded student is not
in the roster (their grades would not reach the LMS); 2 for unusable input. Roster students
with nothing graded are listed but do not fail the export: not handing in is the student's
matter, and their cells stay empty, so the LMS keeps what it has.
"""

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from workbook.grading import gradebook
from . import canvas, moodle
from .cli import FORMATS
from .feedback import student_folders, write_feedback_zips
from .roster import Roster, RosterError, assignment_columns, read_roster
from .scores import ClassScores, number, read_scores

EXPORTS = "exports"
LOG = "export.log"


def export(root, fmt: str, *, roster_path=None, id_column=None, columns=None, out_dir=None, db_url=None,
           lms: str | None = None) -> tuple[list[str], list[str], Path]:
    """Write the export; return (problems, notes, the file or folder written). A problem is a
    graded student the file lacks; a note, anything else missing or worth knowing."""
    root = Path(root).resolve()
    out = Path(out_dir).resolve() if out_dir else root / EXPORTS
    if fmt not in FORMATS:
        raise RosterError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")
    if fmt == "feedback-zips":
        roster = read_roster(roster_path, lms or "canvas", id_column) if roster_path else None
        return _export_feedback(root, out, roster)
    if not roster_path:
        raise RosterError(f"--format {fmt} needs --roster: the gradebook exported from the LMS (CSV), "
                          "which says who each student is there")
    roster = read_roster(roster_path, fmt, id_column)
    url = gradebook.existing_url(root, db_url)
    scores = read_scores(url)
    ungraded = [a for a in scores.assignments if not any(a in per for per in scores.scores.values())]
    graded = [a for a in scores.assignments if a not in ungraded]  # an empty column would make Canvas an empty assignment
    if not graded:
        raise RosterError("nothing graded yet: the gradebook has no submissions (run `workbook grade` first)")
    scores = replace(scores, assignments=graded)
    mapping = assignment_columns(graded, roster, columns or {})
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{fmt}-grades.csv"
    writer = canvas.write_canvas if fmt == "canvas" else moodle.write_moodle
    writer(target, roster, scores, mapping)
    problems, notes = _missing(roster, scores)
    notes.insert(0, "columns: " + "; ".join(f"{a} -> {mapping[a]!r} ({number(scores.points[a])} points)"
                                            for a in scores.assignments))
    if ungraded:
        notes.append(f"not in the file, nothing graded yet: {', '.join(ungraded)}")
    late = gradebook.lateness(url)
    if late:
        notes.append("late (the file has the score after the penalty): " + "; ".join(
            f"{s}/{a} {v.how_late} late, -{v.penalty:g}" for (s, a), v in sorted(late.items())))
    if fmt == "moodle":
        notes.append("in Moodle, map the identity column at import and set each grade item's maximum to the points above")
    return problems, notes, target


def _missing(roster: Roster, scores: ClassScores) -> tuple[list[str], list[str]]:
    in_roster = roster.by_student
    graded = sorted(scores.scores)
    problems = [f"{s}: graded, but not in the roster {roster.path.name} (column {roster.id_column!r}): "
                "NOT in the file" for s in graded if s not in in_roster]
    notes = []
    nothing = [f"{roster.name(row) or sid} ({sid})" for sid, row in in_roster.items() if sid not in scores.scores]
    if nothing:
        notes.append(f"in the roster, nothing graded (empty cells): {', '.join(nothing)}")
    for a in scores.assignments:
        absent = [sid for sid in in_roster if sid in scores.scores and a not in scores.scores[sid]]
        if absent:
            notes.append(f"{a}: no submission from {', '.join(absent)} (empty cells)")
    if roster.without_id:
        notes.append(f"in the roster without a {roster.id_column!r} (not matched, empty cells): "
                     + ", ".join(roster.without_id))
    return problems, notes


def _export_feedback(root: Path, out: Path, roster: Roster | None):
    feedback_dir = root / "feedback"
    target = out / "feedback"
    zips = write_feedback_zips(feedback_dir, target, roster)
    problems, notes = [], []
    if not zips:
        notes.append(f"no feedback under {feedback_dir}: run `workbook grade` first")
    if roster is not None:
        in_roster = roster.by_student
        problems += [f"{s}: has feedback, but is not in the roster {roster.path.name}" for s in zips if s not in in_roster]
        without = [sid for sid in in_roster if sid not in zips]
        if without:
            notes.append(f"in the roster, no feedback: {', '.join(without)}")
    empty = sorted(set(student_folders(feedback_dir)) - set(zips))
    if empty:
        notes.append(f"feedback folders with no page (no zip): {', '.join(empty)}")
    notes.insert(0, f"{len(zips)} zips, one per student, and index.csv (who each is in the LMS)")
    return problems, notes, target


def write_log(out_dir: Path, fmt: str, target: Path, problems: list[str], notes: list[str]) -> Path:
    """``<out>/export.log``: this run's missing students and notes (replaced by each run)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"workbook export --format {fmt} ({stamp}): {target}", "",
             f"Missing from the file ({len(problems)})", *(f"  {p}" for p in problems or ["none"]), "",
             "Notes", *(f"  {n}" for n in notes or ["none"]), ""]
    path = out_dir / LOG
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def export_main(root, fmt: str, *, roster_path=None, id_column=None, columns=None, out_dir=None, db_url=None,
                lms=None) -> int:
    try:
        problems, notes, target = export(root, fmt, roster_path=roster_path, id_column=id_column, columns=columns,
                                         out_dir=out_dir, db_url=db_url, lms=lms)
    except RosterError as error:
        print(f"workbook export: {error}")
        return 2
    out = Path(out_dir).resolve() if out_dir else Path(root).resolve() / EXPORTS
    log = write_log(out, fmt, target, problems, notes)
    print(f"wrote {target}")
    for note in notes:
        print(f"  {note}")
    for problem in problems:
        print(f"  MISSING {problem}")
    print(f"{len(problems)} graded student(s) missing from the file; log: {log}")
    return 1 if problems else 0
