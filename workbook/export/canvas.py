"""The CSV Canvas's gradebook import (Grades > Import) takes as it is.

Canvas's own export is the model: ``Student, ID, SIS User ID, SIS Login ID, Section``, one
column per assignment (``Name (ID)`` for one Canvas already has, a plain name for a new one),
and a second row ``Points Possible`` (the points of each column, used when Canvas creates the
assignment). Canvas matches each row by its ID (then SIS User ID, SIS Login ID, name).
UTF-8 with a byte-order mark, as Canvas exports it, so that names with accents survive a
spreadsheet program too; Canvas's import reads it with or without one.
"""

import csv
from pathlib import Path

from .roster import CANVAS_IDENTITY, Roster
from .scores import ClassScores, number

POINTS_ROW = "    Points Possible"  # as Canvas writes it, leading spaces included
ENCODING = "utf-8-sig"


def write_canvas(path: Path, roster: Roster, scores: ClassScores, columns: dict[str, str]) -> int:
    """One row per roster student (blank where nothing was graded: Canvas then keeps what it
    has); returns how many rows carry at least one score."""
    assignments = list(columns)
    with open(path, "w", encoding=ENCODING, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([*CANVAS_IDENTITY, *(columns[a] for a in assignments)])
        out.writerow([POINTS_ROW, *[""] * (len(CANVAS_IDENTITY) - 1), *(number(scores.points[a]) for a in assignments)])
        written = 0
        for row in roster.rows:
            got = scores.scores.get(roster.student_id(row), {})
            cells = [number(got[a].final) if a in got else "" for a in assignments]
            written += any(cells)
            out.writerow([row.get(c, "") for c in CANVAS_IDENTITY] + cells)
    return written
