"""One zip of feedback pages per student, ready to attach to the student in the LMS.

nbgrader's ``generate_feedback`` writes ``feedback/<student>/<assignment>/<notebook>.html``;
each student's zip holds exactly their own folder, as ``<assignment>/<notebook>.html``.
Neither LMS can match a zip made here to a student by itself: Canvas's bulk re-upload needs
the ids of the files the student handed in on Canvas, Moodle's the participant numbers of its
own download, so the zips are named by nbgrader id and ``index.csv`` says who each one is
in the LMS.
"""

import csv
import os
import stat
import zipfile
from pathlib import Path

from .roster import Roster

MAX_FILE_BYTES = 64 * 2**20  # a feedback page with huge outputs is cut by grading; anything bigger is not ours


def student_folders(feedback_dir: Path) -> dict[str, Path]:
    """nbgrader student id -> their feedback folder (plain folders only, no links)."""
    if not feedback_dir.is_dir():
        return {}
    return {p.name: p for p in sorted(feedback_dir.iterdir())
            if stat.S_ISDIR(os.lstat(p).st_mode) and not p.name.startswith(".")}


def _files(folder: Path) -> list[Path]:
    """The regular files under ``folder``, in order; links and special files are left out."""
    found = []
    for root, dirs, files in os.walk(folder):  # os.walk does not follow links to folders
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
                found.append(path)
    return found


def write_feedback_zips(feedback_dir: Path, out_dir: Path, roster: Roster | None = None) -> dict[str, Path]:
    """``out_dir/<student>.zip`` for every student with feedback, and ``out_dir/index.csv``;
    returns student -> zip."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.zip"):  # a student whose feedback is gone must not keep an old zip
        old.unlink()
    lms = roster.by_student if roster else {}
    zips = {}
    for student, folder in student_folders(feedback_dir).items():
        files = _files(folder)
        if not files:
            continue
        target = out_dir / f"{student}.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, path.relative_to(folder).as_posix())
        zips[student] = target
    with open(out_dir / "index.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["zip", "nbgrader id", "LMS name", "LMS ID"])
        for student, target in zips.items():
            row = lms.get(student)
            out.writerow([target.name, student, roster.name(row) if row else "",
                          row.get("ID", row.get(roster.id_column, "")) if row else ""])
    return zips
