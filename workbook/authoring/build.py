"""`workbook build`: release and solution notebooks from source/, the student wheel, then the
leak checks of everything students receive."""

from pathlib import Path

from workbook.grading import nbgrader_bridge
from . import answer_copies, bundle, leaks, notebooks
from workbook.student import manifest


def assignments_in(root) -> list[str]:
    """Assignments that have a source notebook, in course order."""
    source = Path(root) / "source"
    if not source.is_dir():
        raise FileNotFoundError(f"{Path(root).resolve()} is not a course folder: it has no source/")
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").exists())


def build(root, *, solutions: bool = True, db_url: str | None = None, due: dict[str, str] | None = None,
          log=print) -> list[str]:
    """Generate release/ (and solutions/) for every assignment and the student wheel; return
    the leak problems.

    generate_assignment also records each assignment's test cells in the gradebook
    (``db_url``: the course's, by default), which grading needs; ``due`` (assignment -> date
    with its time zone) records due dates there too, checked before anything is generated.
    """
    from workbook.grading import gradebook

    assignments = assignments_in(root)
    due = due or {}
    check_due_dates(root, due)
    db = [f"--CourseDirectory.db_url={db_url}"] if db_url else []
    for assignment in assignments:
        log(f"release   {assignment}")
        nbgrader_bridge.run(["generate_assignment", assignment, "--force", *db], root)
        if assignment in due:
            gradebook.set_due_dates(gradebook.configured_url(root, db_url), {assignment: due[assignment]})
            log(f"due       {assignment}: {due[assignment]}")
        if solutions:
            log(f"solutions {assignment} (executes the notebook)")
            nbgrader_bridge.run(["generate_solution", assignment, "--force"], root)
    if Path(root).resolve() == bundle.PACKAGE_DIR.parent:  # the course's own repository
        manifest.write(bundle.PACKAGE_DIR / "student" / manifest.MANIFEST, bundle.release_notebooks(root, assignments))
    wheel = bundle.build_wheel(root, assignments)
    log(f"student wheel {wheel}")
    return leaks.check_release(root, assignments) + check_bundle(root, assignments, wheel)


def check_due_dates(root, due: dict[str, str]):
    """ValueError, in words, when ``due`` names an assignment the course lacks or a date
    without its time zone."""
    from workbook.grading import gradebook

    assignments = assignments_in(root)
    unknown = sorted(set(due) - set(assignments))
    if unknown:
        raise ValueError(f"--due names {', '.join(unknown)}, not an assignment of this course "
                         f"({', '.join(assignments)})")
    for text in due.values():
        gradebook.parse_due_date(text)


def check_bundle(root, assignments, wheel: Path) -> list[str]:
    """Copies of reference solutions, renamed or not, in the wheel and the release notebooks.

    A release notebook may hand out an *earlier* assignment's answer (04's setup cell has 01's
    ``accuracy``): it is released after that deadline. The wheel is installed on the first
    day, so it may hold none.
    """
    solutions = {a: notebooks.reference_solutions(notebooks.read(notebooks.notebook_path(root, "source", a)))
                 for a in assignments}
    problems = []
    every = answer_copies.fingerprints({e: code for a in assignments for e, code in solutions[a].items()})
    for name, text in bundle.wheel_sources(wheel).items():
        if name.endswith(".py"):
            problems += [f"{wheel.name}: {c.where} is a copy of the reference {c.function} ({c.exercise})"
                         for c in answer_copies.find_copies(every, text, name)]
    for k, assignment in enumerate(assignments):
        not_yet = answer_copies.fingerprints({e: code for a in assignments[k:] for e, code in solutions[a].items()})
        release = notebooks.read(notebooks.notebook_path(root, "release", assignment))
        for index, cell in enumerate(release.cells):
            if cell.cell_type == "code":
                where = f"release/{assignment} cell {index + 1}"
                problems += [f"{c.where} is a copy of the reference {c.function} ({c.exercise})"
                             for c in answer_copies.find_copies(not_yet, cell.source, where)]
    return problems
