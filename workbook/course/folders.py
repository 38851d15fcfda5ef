"""The course directory's layout, and the one walk of ``submitted/``.

nbgrader's layout: ``source/<assignment>/``, ``release/<assignment>/``,
``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``. Grading, the audit
and the report all need the same list of hand-ins, so they all take it from ``submissions``.

Submitted folders are untrusted: a student folder or an assignment folder that is a symbolic
link is never walked (it could point at ``source/``, a classmate's folder or anywhere on the
host); ``links`` lists them so that grading can refuse them with a reason. ``submitted/``
itself is the instructor's and may be a link (to a bigger disk, say).
"""

import os
from dataclasses import dataclass
from pathlib import Path

SUBMITTED = "submitted"


@dataclass(frozen=True)
class HandIn:
    """One student's folder for one assignment: ``submitted/<student>/<assignment>/``."""
    student: str
    assignment: str
    folder: Path

    def notebooks(self) -> list[Path]:
        """The ``.ipynb`` names in the folder, sorted (renamed copies included). Names only:
        what each one is (a link, a FIFO) is for ``workbook.grading.intake`` to check."""
        return sorted(self.folder.glob("*.ipynb"))


@dataclass(frozen=True)
class Link:
    """A symbolic link where a student folder (``assignment`` None) or an assignment folder should be."""
    student: str
    assignment: str | None
    path: Path


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _walk(root) -> tuple[list[HandIn], list[Link]]:
    submitted = Path(root) / SUBMITTED
    if not submitted.is_dir():
        return [], []
    hand_ins, links = [], []
    for student in _entries(submitted):
        if student.is_symlink():
            links.append(Link(student.name, None, Path(student.path)))
        elif student.is_dir(follow_symlinks=False):
            for folder in _entries(Path(student.path)):
                if folder.is_symlink():
                    links.append(Link(student.name, folder.name, Path(folder.path)))
                elif folder.is_dir(follow_symlinks=False):
                    hand_ins.append(HandIn(student.name, folder.name, Path(folder.path)))
    return hand_ins, links


def submissions(root) -> list[HandIn]:
    """Every real ``submitted/<student>/<assignment>/`` folder, sorted by student then assignment;
    [] when there is no ``submitted/``. Plain files at either level are not hand-ins; links
    are not walked (see ``links``)."""
    return _walk(root)[0]


def links(root) -> list[Link]:
    """The symbolic links found where student or assignment folders should be, sorted; never followed."""
    return _walk(root)[1]
