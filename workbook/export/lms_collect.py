"""nbgrader ``zip_collect`` for submissions downloaded from Canvas or Moodle.

nbgrader's ``ZipCollectApp`` unpacks ``downloaded/<assignment>/archive/*.zip`` and asks a
collector plugin which student and notebook each file is. The LMSs name the files by their
own ids, not nbgrader's, so this collector reads the LMS's name out of the file name (a
``named_regexp``, as nbgrader's ``FileNameCollectorPlugin`` does) and looks the student up
in the roster (the LMS's gradebook export, as for ``workbook export``):

- Canvas: ``<lastfirst>_<Canvas user ID>_<submission id>_<file>`` (``_late_`` after the name
  for a late one), matched by the roster's ``ID`` column;
- Moodle: ``<Full name>_<participant id>_assignsubmission_file_<file>`` (or that name as a
  folder), matched by the roster's ``First name`` and ``Last name`` (Moodle's participant id
  is the assignment's own number, which no export lists).

A file whose student is not in the roster is skipped with a warning naming it.
"""

import re
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Enum, Unicode, default

from .roster import read_roster

CANVAS_REGEXP = (r".*/(?P<lms_name>[^/_]+)_(?:[Ll][Aa][Tt][Ee]_)?(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+)$")
MOODLE_REGEXP = r".*/(?P<student_id>[^/_]+)_\d+_assignsubmission_file_/?(?P<file_id>[^/]+)$"
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<ext>\.ipynb)$")  # Canvas's 01_x-1.ipynb for a second upload


class LmsCollector(FileNameCollectorPlugin):
    """Collects an LMS download into ``submitted/<nbgrader id>/<assignment>/``."""

    lms = Enum(("canvas", "moodle"), default_value="canvas", help="the LMS the zip came from").tag(config=True)
    roster = Unicode("", help="the LMS's gradebook export (CSV): who each LMS id is").tag(config=True)
    id_column = Unicode("", help="the roster column holding the nbgrader student id "
                        "(default: SIS Login ID for Canvas, ID number for Moodle)").tag(config=True)

    @default("named_regexp")
    def _default_regexp(self):
        return CANVAS_REGEXP if self.lms == "canvas" else MOODLE_REGEXP

    _students: dict[str, str] | None = None

    def _lookup(self) -> dict[str, str]:
        """LMS key (Canvas user ID, Moodle full name) -> nbgrader id; ambiguous names left out."""
        if self._students is None:
            if not self.roster:
                raise ValueError("LmsCollector needs its roster: c.LmsCollector.roster = 'canvas-roster.csv'")
            roster = read_roster(Path(self.roster), self.lms, self.id_column or None)
            keys: dict[str, list[str]] = {}
            for row in roster.rows:
                key = row.get("ID", "").strip() if self.lms == "canvas" else _name_key(roster.name(row))
                keys.setdefault(key, []).append(roster.student_id(row))
            for key, ids in keys.items():
                if len(ids) > 1:
                    self.log.warning("%s: %s name students %s alike; their files are skipped", self.roster,
                                     key, ", ".join(ids))
            self._students = {key: ids[0] for key, ids in keys.items() if key and len(ids) == 1}
        return self._students

    def collect(self, submitted_file: str):
        info = super().collect(submitted_file)
        if not info:
            return None
        key = info["student_id"] if self.lms == "canvas" else _name_key(info["student_id"])
        student = self._lookup().get(key)
        if student is None:
            self.log.warning("skipped %s: %s is not in the roster %s", submitted_file, info["student_id"], self.roster)
            return None
        file_id = info["file_id"]
        resubmitted = RESUBMITTED.match(file_id) if self.lms == "canvas" else None
        if resubmitted:
            file_id = resubmitted["stem"] + resubmitted["ext"]
        collected = {"student_id": student, "file_id": file_id}
        if info.get("timestamp"):
            collected["timestamp"] = info["timestamp"]
        return collected


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()
