"""What each student gets per assignment, read from nbgrader's gradebook: the score after the
late penalty (as nbgrader's own CSV export computes it), and each assignment's points."""

from dataclasses import dataclass

from nbgrader.api import Gradebook

from workbook.course import table
from workbook.grading.gradebook import COURSE_ID


@dataclass(frozen=True)
class Score:
    raw: float
    penalty: float
    max_score: float

    @property
    def final(self) -> float:
        """What the LMS gets: the score less the late penalty, never below 0 (nbgrader's rule)."""
        return max(0.0, self.raw - self.penalty)


@dataclass(frozen=True)
class ClassScores:
    assignments: list[str]                      # graded or known to the gradebook, in course order
    points: dict[str, float]                    # assignment -> points possible
    scores: dict[str, dict[str, Score]]         # student -> assignment -> Score (submissions only)
    students: list[str]                         # every student the gradebook knows


def read_scores(db_url: str) -> ClassScores:
    with Gradebook(db_url, COURSE_ID) as gb:
        assignments = [a for a in gb.assignments]
        points = {a.name: float(a.max_score) or float(_course_points(a.name)) for a in assignments}
        scores: dict[str, dict[str, Score]] = {}
        for a in assignments:
            for sub in a.submissions:
                scores.setdefault(sub.student.id, {})[a.name] = Score(
                    float(sub.score), float(sub.late_submission_penalty or 0.0), float(sub.max_score))
        students = sorted(s.id for s in gb.students)
    order = {name: k for k, name in enumerate(table.ASSIGNMENTS)}
    names = sorted(points, key=lambda n: (order.get(n, len(order)), n))
    return ClassScores(names, points, scores, students)


def _course_points(assignment: str) -> float:
    """The course table's points, for an assignment the gradebook has no test cells of yet."""
    try:
        return float(table.assignment(assignment).points)
    except KeyError:
        return 0.0


def number(value: float) -> str:
    """A score as the LMS reads it: a plain decimal, two places at most, no exponent."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
