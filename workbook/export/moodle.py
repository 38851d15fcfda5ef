"""The CSV Moodle's grade import (Grades > Import > CSV file) takes as it is.

Moodle maps rows by one identity column the instructor picks at import ("Map from": the
column, "Map to": email address, username or ID number) and each other column to a grade
item (or a new one). So the file holds the identity columns of Moodle's own grade export
(``First name, Last name, ID number, Email address``...) and one column per assignment; no
points row (Moodle would read it as a student): a grade item's maximum is set in Moodle,
and must be the points the log lists. Plain UTF-8, the import's default encoding.
"""

import csv
from pathlib import Path

from .roster import Roster
from .scores import ClassScores, number

ENCODING = "utf-8"


def write_moodle(path: Path, roster: Roster, scores: ClassScores, columns: dict[str, str]) -> int:
    """One row per roster student (an empty cell where nothing was graded: Moodle skips it);
    returns how many rows carry at least one score."""
    assignments = list(columns)
    with open(path, "w", encoding=ENCODING, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([*roster.identity, *(columns[a] for a in assignments)])
        written = 0
        for row in roster.rows:
            got = scores.scores.get(roster.student_id(row), {})
            cells = [number(got[a].final) if a in got else "" for a in assignments]
            written += any(cells)
            out.writerow([row.get(c, "") for c in roster.identity] + cells)
    return written
