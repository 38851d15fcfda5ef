"""The class list as the LMS knows it: the instructor's own gradebook export from the LMS.

Canvas's gradebook export (Grades > Export) starts with ``Student, ID, SIS User ID, SIS
Login ID, Section`` and has a second row, ``Points Possible``; Moodle's grade export starts
with ``First name, Last name`` and the identity fields the site shows (``ID number``,
``Email address``, ``Username``...). One of its columns holds each student's nbgrader id.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTITY = ("First name", "Last name", "Username", "ID number", "Institution", "Department",
                   "Email address")
DEFAULT_ID_COLUMN = {"canvas": "SIS Login ID", "moodle": "ID number"}
MAX_ROSTER_BYTES = 50 * 2**20  # a class list, not a data set


class RosterError(ValueError):
    """The roster cannot be used as it is; the message says what to change."""


@dataclass(frozen=True)
class Roster:
    lms: str                     # "canvas" or "moodle"
    path: Path
    header: list[str]            # every column of the file, in its order
    identity: list[str]          # the columns that say who a row is (copied into the export)
    rows: list[dict[str, str]]   # one per student, in the file's order
    id_column: str               # the column holding nbgrader's student id
    without_id: list[str]        # LMS rows with that column empty (the name, or the row number)

    def student_id(self, row: dict[str, str]) -> str:
        return row[self.id_column].strip()

    @property
    def by_student(self) -> dict[str, dict[str, str]]:
        return {self.student_id(row): row for row in self.rows}

    def name(self, row: dict[str, str]) -> str:
        if self.lms == "canvas":
            return row.get("Student", "").strip()
        return f"{row.get('First name', '').strip()} {row.get('Last name', '').strip()}".strip()


def _is_points_row(row: dict[str, str]) -> bool:
    """Canvas's second row ("    Points Possible"), and the read-only mute row older exports have."""
    return (row.get("Student") or "").strip() in ("Points Possible", "")


def read_roster(path, lms: str, id_column: str | None = None) -> Roster:
    """The roster at ``path`` (UTF-8, with or without a byte-order mark, as the LMSs write it)."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"no roster at {path}: download the gradebook from the LMS "
                          f"({'Grades > Export' if lms == 'canvas' else 'Grades > Export > Plain text file'})")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise RosterError(f"{path} is over {MAX_ROSTER_BYTES >> 20} MiB: that is not a class list")
    id_column = id_column or DEFAULT_ID_COLUMN[lms]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8: export it again from the LMS as UTF-8") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if id_column not in header:
        raise RosterError(f"{path} has no column {id_column!r} for the nbgrader student ids (its columns: "
                          f"{', '.join(header[:12])}{' ...' if len(header) > 12 else ''}); pass --id-column")
    if lms == "canvas":
        missing = [c for c in ("Student", "ID") if c not in header]
        if missing:
            raise RosterError(f"{path} is not a Canvas gradebook export: no {', '.join(missing)} column")
        identity = list(CANVAS_IDENTITY)
    else:
        identity = [c for c in header if c in MOODLE_IDENTITY]
        if id_column not in identity:
            identity.append(id_column)
    rows = [row for row in reader if not (lms == "canvas" and _is_points_row(row))]
    rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in rows]
    seen, blank = {}, []
    for number, row in enumerate(rows, start=2):
        sid = row.get(id_column, "").strip()
        if not sid:
            blank.append(number)
        elif sid in seen:
            raise RosterError(f"{path}: {id_column} {sid!r} appears twice (rows {seen[sid]} and {number}); "
                              "each nbgrader id must name one student")
        else:
            seen[sid] = number
    kept = [row for row in rows if row.get(id_column, "").strip()]
    roster = Roster(lms, path, header, identity, kept, id_column, [])
    roster.without_id.extend(roster.name(rows[n - 2]) or f"row {n}" for n in blank)
    return roster


def assignment_columns(assignments: list[str], roster: Roster, mapping: dict[str, str]) -> dict[str, str]:
    """nbgrader assignment -> the LMS column its scores go to.

    ``mapping`` (``--assignment-column A=HEADER``) wins. Otherwise a column of the roster
    whose name is the assignment's, as Canvas writes it (``01_cross_entropy (1234)``) or
    Moodle does (``Assignment: 01_cross_entropy (Real)``), matches that LMS assignment;
    else the column is the nbgrader name, which Canvas imports as a new assignment.
    """
    unknown = sorted(set(mapping) - set(assignments))
    if unknown:
        raise RosterError(f"--assignment-column names {', '.join(unknown)}, not a graded assignment "
                          f"({', '.join(assignments)})")
    columns = {}
    for a in assignments:
        if a in mapping:
            columns[a] = mapping[a]
            continue
        matches = [h for h in roster.header if _lms_name(h, roster.lms) == a]
        if len(matches) > 1:
            raise RosterError(f"{roster.path}: columns {', '.join(matches)} could each be {a}; "
                              f"pass --assignment-column {a}=COLUMN")
        columns[a] = matches[0] if matches else a
    return columns


def _lms_name(header: str, lms: str) -> str:
    """The assignment name inside an LMS column header (``Name (1234)``, ``Assignment: Name (Real)``)."""
    name = header.strip()
    if lms == "moodle":
        name = name.split(":", 1)[1].strip() if ":" in name else name
        for suffix in (" (Real)", " (Percentage)", " (Letter)"):
            name = name.removesuffix(suffix)
        return name
    if name.endswith(")") and " (" in name:
        base, _, tail = name.rpartition(" (")
        if tail[:-1].isdigit():
            return base
    return name
