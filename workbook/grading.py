"""`workbook grade`: autograde every submission, then feedback and a grades CSV.

nbgrader does the grading (its autograde, generate_feedback and export commands); this
module decides what to grade and reports the outcome.
"""

from dataclasses import dataclass, field
from pathlib import Path

from . import nbgrader_cli


@dataclass
class GradeRun:
    graded: list[tuple[str, str]] = field(default_factory=list)    # (student, assignment)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, reason)
    grades_csv: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def submissions(root) -> dict[str, list[str]]:
    """assignment -> students who submitted it, from ``submitted/<student>/<assignment>/``."""
    found: dict[str, list[str]] = {}
    for student_dir in sorted((Path(root) / "submitted").glob("*")):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            found.setdefault(assignment_dir.name, []).append(student_dir.name)
    return found


def grade(root, *, log=print) -> GradeRun:
    root = Path(root).resolve()
    run = GradeRun()
    for assignment, students in sorted(submissions(root).items()):
        for student in students:
            log(f"autograde {assignment} {student}")
            proc = nbgrader_cli.run(["autograde", assignment, f"--student={student}", "--force",
                                     "--create"], root, check=False)
            if proc.returncode == 0:
                run.graded.append((student, assignment))
            else:
                run.failed.append((student, assignment, _last_error(proc.stdout + proc.stderr)))
        nbgrader_cli.run(["generate_feedback", assignment, "--force"], root, check=False)
    run.grades_csv = root / "grades.csv"
    nbgrader_cli.run(["export", f"--to={run.grades_csv}"], root)
    return run


def _last_error(output: str) -> str:
    """The most telling line of a failed nbgrader run (its last ERROR line)."""
    lines = output.strip().splitlines() or ["nbgrader failed without output"]
    errors = [line for line in lines if "ERROR" in line]
    return (errors or lines)[-1][-300:]
