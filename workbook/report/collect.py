"""What the class did: every test cell's score from nbgrader's gradebook, its failure message from
the autograded notebook, and the submissions that need a person to look at them."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from workbook import grading
from workbook.authoring import notebooks
from workbook.course import folders
from workbook.course.table import EXERCISES
from workbook.grading import gradebook, intake
from .messages import Message, cell_failure, failure_message


@dataclass
class CellResult:
    student: str
    assignment: str
    notebook: str
    grade_id: str
    exercise: str
    score: float
    max_score: float
    ename: str = ""
    evalue: str = ""

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score - 1e-9

    @property
    def message(self) -> Message:
        if not self.ename and not self.evalue:
            return Message("scored 0 without an error message (a timeout, or the kernel died?)")
        if self.ename == "stderr":
            first = (self.evalue.strip().splitlines() or [""])[0]
            return Message(f"wrote to stderr, which nbgrader scores 0: {first}"[:400])
        return failure_message(self.ename, self.evalue, self.exercise)


@dataclass
class ClassData:
    results: list[CellResult]
    totals: dict[str, dict[str, tuple[float, float]]]        # student -> assignment -> (score, max)
    assignments: list[str]
    exercises: dict[str, list[tuple[str, float]]]             # assignment -> [(exercise, points)]
    cells: dict[str, list[tuple[str, str, float]]]            # assignment -> [(grade_id, exercise, points)]
    look: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, why)
    feedback: dict[tuple[str, str], str] = field(default_factory=dict)  # (student, assignment) -> path
    late: dict[tuple[str, str], gradebook.Late] = field(default_factory=dict)  # handed in after the due date


def _exercise_names(root: Path, assignment: str, notebook: str, autograded: list) -> list[str]:
    for path in [root / "source" / assignment / f"{notebook}.ipynb", *autograded]:
        try:
            names = list(notebooks.solution_cells(notebooks.read(path)))
        except Exception:
            continue
        if names:
            return names
    return list(EXERCISES.get(assignment, ()))


def _exercise(grade_id: str, names) -> str:
    try:
        return notebooks.exercise_of(grade_id, names)
    except ValueError:
        return grade_id.removeprefix("test_")


def collect(root, db_url: str | None = None) -> ClassData:
    """Scores from the gradebook, messages from ``autograded/``, problems worth a look."""
    root = Path(root).resolve()
    db_url = gradebook.existing_url(root, db_url)
    scores = gradebook.cell_scores(db_url)
    totals = gradebook.totals(db_url)
    by_notebook: dict[tuple[str, str], list[gradebook.CellScore]] = defaultdict(list)
    for s in scores:
        by_notebook[(s.assignment, s.notebook)].append(s)

    results, look, cell_order, exercise_points = [], [], {}, {}
    for (assignment, notebook), rows in sorted(by_notebook.items()):
        graded_paths = sorted({root / "autograded" / r.student / assignment / f"{notebook}.ipynb" for r in rows})
        names = _exercise_names(root, assignment, notebook, graded_paths[:3])
        order = _test_cell_order(root, assignment, notebook, rows)
        cell_order.setdefault(assignment, [])
        for gid in order:
            points = max(r.max_score for r in rows if r.grade_id == gid)
            cell_order[assignment].append((gid, _exercise(gid, names), points))
        per_student: dict[str, list[gradebook.CellScore]] = defaultdict(list)
        for r in rows:
            per_student[r.student].append(r)
        for student, cells in sorted(per_student.items()):
            graded = _read_graded(root / "autograded" / student / assignment / f"{notebook}.ipynb")
            if isinstance(graded, str):
                look.append((student, assignment, graded))
            crashes: dict[str, list[str]] = defaultdict(list)  # what went wrong -> test cells
            for r in cells:
                ename, evalue = ("", "") if isinstance(graded, str) else graded.get(r.grade_id, ("", ""))
                result = CellResult(student, assignment, notebook, r.grade_id, _exercise(r.grade_id, names),
                                    r.score, r.max_score)
                if not result.passed:
                    result.ename, result.evalue = ename, evalue
                    if not ename and not evalue and not isinstance(graded, str):
                        crashes["scored 0 without any error message (a timeout or a dead kernel?)"].append(r.grade_id)
                    elif ename and ename not in ("CheckFailure", "AssertionError", "stderr"):
                        first = (evalue or "").splitlines()[0] if evalue else ""
                        crashes[f"crashed with {ename}: {first}"[:200]].append(r.grade_id)
                results.append(result)
            for what, gids in crashes.items():
                look.append((student, assignment, f"{what}: {', '.join(gids)}"))
            if not isinstance(graded, str) and graded.get("<integrity>"):
                look.append((student, assignment, graded["<integrity>"][1].splitlines()[0][:300]))
    for assignment, cells in cell_order.items():
        points: dict[str, float] = {}
        for _, exercise, p in cells:
            points[exercise] = points.get(exercise, 0.0) + p
        exercise_points[assignment] = list(points.items())

    graded_pairs = {(st, a) for st, per in totals.items() for a in per}
    refused = _refused(root)  # links, FIFOs, files over the size limit: never read, never graded
    look += refused
    refused_pairs = {(student, assignment) for student, assignment, _ in refused}
    look += [(h.student, h.assignment, "submitted but not in the gradebook: grading failed or has not run")
             for h in folders.submissions(root)
             if (h.student, h.assignment) not in graded_pairs | refused_pairs]
    if (root / folders.SUBMITTED).is_dir():
        look += [item for item in _audit_findings(root) if item[:2] not in refused_pairs]  # said once, above
    look += grading.grading_notes(root)  # graded without the sandbox; cells repaired, notebook renamed

    feedback = {}
    for student, per in totals.items():
        for assignment in per:
            folder = root / "feedback" / student / assignment
            pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
            if pages:
                feedback[(student, assignment)] = str(pages[0])
    assignments = sorted({a for per in totals.values() for a in per} | set(cell_order))
    return ClassData(results, totals, assignments, exercise_points, cell_order, _unique(look), feedback,
                     gradebook.lateness(db_url))


def _test_cell_order(root, assignment, notebook, rows) -> list[str]:
    present = list(dict.fromkeys(r.grade_id for r in rows))
    try:
        source = notebooks.read(root / "source" / assignment / f"{notebook}.ipynb")
        order = [c.grade_id for c in notebooks.test_cells(source) if c.grade_id in present]
    except Exception:
        order = []
    return order + [g for g in present if g not in order]


def _read_graded(path: Path):
    """grade_id -> (ename, evalue) of every error output; ``"<integrity>"`` for a failed
    integrity check anywhere. A string says why the notebook could not be read."""
    if not path.exists():
        return "no autograded notebook: its failure messages are unknown"
    try:
        nb = notebooks.read(path)
    except Exception as error:
        return f"autograded notebook unreadable ({type(error).__name__})"
    errors = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        failure = cell_failure(cell)
        if failure is None:
            continue
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if gid:
            errors[gid] = failure
        if failure[1].startswith("integrity:"):
            errors.setdefault("<integrity>", failure)
    return errors


def _refused(root: Path) -> list[tuple[str, str, str]]:
    """The hand-ins grading refuses without reading them (grading/intake.py), with the reason."""
    try:
        return [(r.student, r.assignment, f"not graded: {r.reason}") for r in intake.survey(root)]
    except Exception as error:  # the report must not fail because a check could not run
        return [("-", "-", f"the submitted files could not be checked: {error}")]


def _audit_findings(root) -> list[tuple[str, str, str]]:
    from workbook.audit import audit

    try:
        findings, _ = audit(root)
    except Exception as error:  # the report must not fail because the scan did
        return [("-", "-", f"workbook audit could not run: {error}")]
    return [(f.student, f.assignment, f"audit: {f.cell}" + (f", line {f.line}" if f.line else "")
             + f": {f.reason}" + (f" [{f.code}]" if f.code else "")) for f in findings]


def _unique(items):
    return list(dict.fromkeys(items))
