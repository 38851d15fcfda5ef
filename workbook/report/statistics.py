"""The class in numbers: pass rates of every exercise and test cell, and the failure messages
grouped (most frequent first)."""

from collections import defaultdict
from dataclasses import dataclass

from .collect import ClassData
from .messages import Message


def percent(rate: float) -> str:
    return f"{100 * rate:.0f}%"


@dataclass
class CellStat:
    grade_id: str
    points: float
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class ExerciseStat:
    assignment: str
    exercise: str
    points: float
    passed: int            # students who passed every test cell of the exercise
    graded: int
    mean: float            # mean points
    cells: list[CellStat]

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class FailureGroup:
    assignment: str
    exercise: str
    message: Message
    students: list[str]
    cells: list[str]


@dataclass
class Summary:
    data: ClassData
    exercises: list[ExerciseStat]
    failures: dict[tuple[str, str], list[FailureGroup]]   # (assignment, exercise) -> most frequent first
    course_max: float
    student_totals: dict[str, float]

    @property
    def students(self) -> list[str]:
        return sorted(self.data.totals)


def summarize(data: ClassData) -> Summary:
    by_assignment = defaultdict(list)
    for r in data.results:
        by_assignment[r.assignment].append(r)
    stats = []
    for assignment in data.assignments:
        results = by_assignment.get(assignment, [])
        students = sorted({r.student for r in results})
        for exercise, points in data.exercises.get(assignment, []):
            mine = [r for r in results if r.exercise == exercise]
            cells = []
            for gid, ex, p in data.cells[assignment]:
                if ex == exercise:
                    cell_results = [r for r in mine if r.grade_id == gid]
                    cells.append(CellStat(gid, p, sum(r.passed for r in cell_results), len(cell_results)))
            per_student = defaultdict(list)
            for r in mine:
                per_student[r.student].append(r)
            passed = sum(all(r.passed for r in rs) for rs in per_student.values())
            mean = sum(r.score for r in mine) / len(students) if students else 0.0
            stats.append(ExerciseStat(assignment, exercise, points, passed, len(students), mean, cells))

    groups: dict[tuple[str, str, Message], FailureGroup] = {}
    for r in data.results:
        if r.passed:
            continue
        key = (r.assignment, r.exercise, r.message)
        group = groups.setdefault(key, FailureGroup(r.assignment, r.exercise, r.message, [], []))
        if r.student not in group.students:
            group.students.append(r.student)
        if r.grade_id not in group.cells:
            group.cells.append(r.grade_id)
    failures = defaultdict(list)
    for group in groups.values():
        failures[(group.assignment, group.exercise)].append(group)
    for key in failures:
        failures[key].sort(key=lambda g: (-len(g.students), g.message.text))

    assignment_max = {}
    for per in data.totals.values():
        for a, (_, mx) in per.items():
            assignment_max[a] = max(assignment_max.get(a, 0.0), mx)
    # a total counts a late submission's score after its penalty, as the grade table and the exports do
    student_totals = {s: sum(max(0.0, score - (data.late[(s, a)].penalty if (s, a) in data.late else 0.0))
                             for a, (score, _) in per.items()) for s, per in data.totals.items()}
    return Summary(data, stats, dict(failures), sum(assignment_max.values()), student_totals)
