"""Pairs of students who share code beyond what everyone shares, found through an index.

For each exercise, an inverted index maps each fingerprint to the students whose cell has it;
pairs come only from fingerprints two or more students share, so the work grows with the
shared fingerprints, not with the square of the class (no two texts are ever compared).

What is not evidence:
- every k-gram of the release skeleton and of the reference solutions of the assignment (the
  code handed out, and the lesson's standard answer, whichever exercise it turns up in);
- a fingerprint that more than ``max(COMMON_MIN, COMMON_FRACTION x the exercise's
  submissions)`` students share: a common variant of the standard answer, not a copy.
Below that, a fingerprint that ``n`` students share weighs ``2 / n`` (1 for a pair, 0.5 for
four), so a ring of copiers still stands out, and a widespread idiom weighs little.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from . import fingerprints as fp
from .tokens import units

COMMON_FRACTION = 0.10  # ignored when more than 10% of the class shares it ...
COMMON_MIN = 5          # ... and more than 5 students (so a small class still shows its copies)


@dataclass(frozen=True)
class Cell:
    """One student's cell for one exercise: its code and its fingerprints after the discount."""
    code: str
    prints: dict[int, list[tuple[int, int]]]  # fingerprint -> the line ranges it covers


@dataclass
class Pair:
    """Two students of one assignment and what they share, exercise by exercise."""
    assignment: str
    students: tuple[str, str]
    scores: dict[str, float] = field(default_factory=dict)  # exercise -> weighted shared fingerprints
    shared: dict[str, set[int]] = field(default_factory=dict)  # exercise -> the shared fingerprints

    @property
    def score(self) -> float:
        return sum(self.scores.values())


def discount(codes) -> set[int]:
    """Every k-gram hash of the given cells (skeletons and reference solutions)."""
    return {h for code in codes for h in fp.all_hashes(units(code))}


def cell(code: str, shared: set[int]) -> Cell:
    prints: dict[int, list[tuple[int, int]]] = {}
    for f in fp.fingerprints(units(code)):
        if f.hash not in shared:
            prints.setdefault(f.hash, []).append((f.first_line, f.last_line))
    return Cell(code, prints)


def common_limit(submissions: int) -> float:
    """A fingerprint shared by more students than this is ignored."""
    return max(COMMON_MIN, COMMON_FRACTION * submissions)


def weight(holders: int) -> float:
    return 2.0 / holders


def pairs(assignment: str, cells: dict[str, dict[str, Cell]]) -> list[Pair]:
    """Every pair of students that shares a counted fingerprint in some exercise, best first.

    ``cells[exercise][student]`` are the discounted cells."""
    found: dict[tuple[str, str], Pair] = {}
    for exercise, by_student in cells.items():
        index: dict[int, list[str]] = defaultdict(list)
        for student, c in by_student.items():
            for h in c.prints:
                index[h].append(student)
        limit = common_limit(len(by_student))
        for h, holders in index.items():
            if len(holders) < 2 or len(holders) > limit:
                continue
            w = weight(len(holders))
            for a, b in combinations(sorted(holders), 2):
                pair = found.get((a, b))
                if pair is None:
                    pair = found[(a, b)] = Pair(assignment, (a, b))
                pair.scores[exercise] = pair.scores.get(exercise, 0.0) + w
                pair.shared.setdefault(exercise, set()).add(h)
    return sorted(found.values(), key=lambda p: (-p.score, p.students))
