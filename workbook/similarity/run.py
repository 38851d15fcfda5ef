"""`workbook similarity`: which pairs of students handed in the same code, for a person to read.

It changes no grade: a pair above the threshold asks for a look, as the audit's findings do,
and the command exits 1 when there is one (0 when there is none, 2 on a usage error).
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

from workbook.course import table
from . import collect, compare
from .page import write_page

DEFAULT_THRESHOLD = 12.0  # weighted shared fingerprints of a pair over an assignment: about 35 normalised
# tokens (3 lines) that no one else wrote; one short idiom two students both found scores about 5
TOP = 10  # pairs the terminal lists


@dataclass
class Result:
    assignments: list[str]
    students: dict[str, int]               # assignment -> submissions read
    class_size: int                        # students with a submission read, in any assignment
    pairs: dict[str, list[compare.Pair]]   # assignment -> pairs, best first
    cells: dict[str, dict[str, dict[str, compare.Cell]]]  # assignment -> exercise -> student -> cell
    skipped: list[str]                     # what could not be read, and why
    threshold: float

    def flagged(self) -> list[compare.Pair]:
        return sorted((p for a in self.assignments for p in self.pairs[a] if p.score >= self.threshold),
                      key=lambda p: (-p.score, p.assignment, p.students))


def _assignments(root: Path, chosen: str | None) -> list[str]:
    """The assignments with a release or source notebook (else those handed in), or the one chosen."""
    known = sorted({p.parent.name for folder in ("release", "source") for p in (root / folder).glob("*/*.ipynb")
                    if p.stem == p.parent.name})
    known = known or sorted({h.assignment for h in collect.folders.submissions(root)})
    if chosen is None:
        return known
    if chosen not in known:
        raise RuntimeError(f"no assignment {chosen!r}; the course has {', '.join(known) or 'none'}")
    return [chosen]


def similarity(root, assignment: str | None = None, threshold: float = DEFAULT_THRESHOLD) -> Result:
    """Index every submission's solution cells and rank the pairs of each assignment."""
    root = Path(root)
    if not (root / collect.folders.SUBMITTED).is_dir():
        raise FileNotFoundError(f"{root.resolve()} has no submitted/ folder: nothing to compare")
    assignments = _assignments(root, assignment)
    found, skipped = collect.collect(root, assignments)
    everyone = set().union(*(found[a].students for a in assignments))
    result = Result(assignments, {}, len(everyone), {}, {}, skipped, threshold)
    for a in assignments:
        skeleton, reference, problems = collect.shared_code(root, a)
        skipped.extend(problems)
        shared = compare.discount(list(skeleton.values()) + list(reference.values()))
        exercises = list(skeleton) or list(table.EXERCISES.get(a, ())) or sorted(found[a].cells)
        seen: dict[str, compare.Cell] = {}  # identical cells (the skeleton, kept by many) are read once

        def read(code: str) -> compare.Cell:
            if code not in seen:
                seen[code] = compare.cell(code, shared)
            return seen[code]

        cells = {e: {s: read(code) for s, code in found[a].cells.get(e, {}).items()} for e in exercises}
        result.students[a] = len(found[a].students)
        result.cells[a] = cells
        result.pairs[a] = compare.pairs(a, cells)
    return result


def _shown(name: str) -> str:
    """A folder name as the terminal may print it (a name with control characters, escaped)."""
    return name if name.isprintable() else ascii(name)


def summary(result: Result, out: Path | None) -> str:
    flagged = result.flagged()
    lines = [f"similarity: {result.class_size} student(s), {len(result.assignments)} assignment(s); "
             f"{len(flagged)} pair(s) above the threshold ({result.threshold:g} shared fingerprints, "
             "beyond the skeleton, the reference solution and what many students share)"]
    for p in flagged[:TOP]:
        per = ", ".join(f"{e} {s:.1f}" for e, s in sorted(p.scores.items(), key=lambda kv: -kv[1]))
        lines.append(f"  {p.assignment}  {_shown(p.students[0])} ~ {_shown(p.students[1])}  {p.score:.1f}  ({per})")
    if len(flagged) > TOP:
        lines.append(f"  ... and {len(flagged) - TOP} more in the report")
    for line in result.skipped:
        lines.append(f"  not compared: {_shown(line)}")
    if out is not None:
        lines.append(f"similarity report: {out}")
    if flagged:
        lines.append("each pair asks for a look: shared code is no proof of copying, and no grade changes")
    return "\n".join(lines)


def similarity_main(root, out=None, assignment=None, threshold=DEFAULT_THRESHOLD, *, log=print) -> int:
    """Write the report, print the summary; 1 when a pair is above the threshold, else 0."""
    root = Path(root)
    result = similarity(root, assignment, threshold)
    path = Path(out) if out is not None else root / "reports" / "similarity.html"
    if path.is_dir():  # a folder, as `workbook report --out` takes: the page goes in it
        path = path / "similarity.html"
    write_page(result, path)
    log(summary(result, path))
    return 1 if result.flagged() else 0


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _command(args) -> int:
    return similarity_main(args.root, args.out, args.assignment, args.threshold)


def add_similarity_command(sub) -> None:
    """``workbook similarity``, for the instructor's command."""
    help_text = ("pairs of students whose solution cells share code beyond the skeleton and the reference "
                 "solution: reports/similarity.html and a terminal summary; exit 1 when a pair is above the threshold")
    c = sub.add_parser("similarity", help=help_text, description=help_text)
    c.add_argument("--root", type=Path, default=Path("."),
                   help="the course folder (with submitted/, release/ and source/); default: .")
    c.add_argument("--out", type=Path, default=None, help="the HTML file to write, or a folder for it "
                   "(default: <root>/reports/similarity.html)")
    c.add_argument("--assignment", default=None, help="compare only this assignment (default: all)")
    c.add_argument("--threshold", type=_non_negative, default=DEFAULT_THRESHOLD,
                   help=f"weighted shared fingerprints a pair needs, over an assignment, to be listed as "
                   f"asking for a look (default: {DEFAULT_THRESHOLD:g})")
    c.set_defaults(func=_command)
