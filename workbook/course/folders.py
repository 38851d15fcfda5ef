"""The course directory's layout, and the one walk of ``submitted/``.

nbgrader's layout: ``source/<assignment>/``, ``release/<assignment>/``,
``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``. Grading, the audit
and the report all need the same list of hand-ins, so they all take it from ``submissions``.
"""

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
        """The ``.ipynb`` files in the folder, sorted (renamed copies included)."""
        return sorted(self.folder.glob("*.ipynb"))


def submissions(root) -> list[HandIn]:
    """Every ``submitted/<student>/<assignment>/`` folder, sorted by student then assignment;
    [] when there is no ``submitted/``. Plain files at either level are not hand-ins."""
    submitted = Path(root) / SUBMITTED
    if not submitted.is_dir():
        return []
    return [HandIn(student_dir.name, folder.name, folder)
            for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir())
            for folder in sorted(p for p in student_dir.iterdir() if p.is_dir())]
