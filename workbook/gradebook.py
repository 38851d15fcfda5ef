"""Read scores out of nbgrader's gradebook (SQLite by default, PostgreSQL with a URL)."""

from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

COURSE_ID = "minibatch-training"


def default_url(root) -> str:
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


@dataclass(frozen=True)
class CellScore:
    student: str
    assignment: str
    notebook: str
    grade_id: str
    score: float
    max_score: float


def cell_scores(db_url: str) -> list[CellScore]:
    """Every graded test cell of every submission."""
    rows = []
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    rows += [CellScore(submission.student.id, assignment.name, nb.name, g.name,
                                       float(g.score), float(g.max_score)) for g in nb.grades]
    return rows


def totals(db_url: str) -> dict[str, dict[str, tuple[float, float]]]:
    """student -> assignment -> (score, max score), for every submission in the gradebook."""
    table: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                table.setdefault(student.id, {})[assignment.name] = (float(sub.score), float(sub.max_score))
    return table


def format_table(table: dict[str, dict[str, tuple[float, float]]], assignments: list[str]) -> str:
    """A plain-text grade table: one row per student, one column per assignment, a total."""
    header = ["student", *assignments, "total"]
    rows = []
    for student in sorted(table):
        cells, got, out_of = [student], 0.0, 0.0
        for a in assignments:
            if a in table[student]:
                score, max_score = table[student][a]
                cells.append(f"{score:g}/{max_score:g}")
                got, out_of = got + score, out_of + max_score
            else:
                cells.append("-")
        cells.append(f"{got:g}/{out_of:g}")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
