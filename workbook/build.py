"""`workbook build`: release and solution notebooks from source/, then the leak check."""

from pathlib import Path

from . import leaks, nbgrader_cli


def assignments_in(root) -> list[str]:
    """Assignments that have a source notebook, in course order."""
    source = Path(root) / "source"
    if not source.is_dir():
        raise FileNotFoundError(f"{Path(root).resolve()} is not a course folder: it has no source/")
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").exists())


def build(root, *, solutions: bool = True, db_url: str | None = None, log=print) -> list[str]:
    """Generate release/ (and solutions/) for every assignment; return the leak problems.

    generate_assignment also records each assignment's test cells in the gradebook
    (``db_url``: the course's, by default), which grading needs.
    """
    assignments = assignments_in(root)
    db = [f"--CourseDirectory.db_url={db_url}"] if db_url else []
    for assignment in assignments:
        log(f"release   {assignment}")
        nbgrader_cli.run(["generate_assignment", assignment, "--force", *db], root)
        if solutions:
            log(f"solutions {assignment} (executes the notebook)")
            nbgrader_cli.run(["generate_solution", assignment, "--force"], root)
    return leaks.check_release(root, assignments)
