"""`workbook similarity` on a large synthetic class: how long it takes, and whether it finds
the planted copies without flagging the rest.

    python benchmarks/similarity.py [--students 400] [--copies 20] [--seed 0]

Builds a scratch course (the repository's release and source notebooks) and a class in which
every student answers every exercise with one of the answers of ``tests/corpus`` for it (right
or wrong), the reference solution or the untouched skeleton, chosen at random, each with the
student's own random renames of its local names and a random order of its functions. Then
``--copies`` students each copy another student's whole assignment, renamed again, functions
reordered, with a comment and a dead statement added; each of those sources wrote a helper of
its own in every exercise (a copy of answers that a dozen others also drew from the corpus is,
by design, weak evidence). Times ``similarity`` and the page (the
notebooks are written before the clock starts) and prints the planted pairs found and any
other pair flagged.
"""

import argparse
import ast
import builtins
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbook.authoring import notebooks  # noqa: E402
from workbook.demo import corpus  # noqa: E402
from workbook.similarity import run as similarity_run  # noqa: E402
from workbook.similarity.page import write_page  # noqa: E402

WORDS = ("val", "tmp", "res", "out", "acc", "buf", "arr", "t", "z", "q", "item", "data", "value", "h", "w")


class _Rename(ast.NodeTransformer):
    """Renames the names a piece of code binds (not its functions, which tests call by name)."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        node.id = self.mapping.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.mapping.get(node.arg, node.arg)
        return node


def personalise(code: str, rng: random.Random, exercise_names: set[str]) -> str:
    """``code`` with its local names renamed at random and its top-level statements shuffled
    (functions and classes only; imports stay first)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg) and a.arg != "self"}
    bound -= set(dir(builtins)) | exercise_names
    mapping = {name: f"{rng.choice(WORDS)}{rng.randrange(100)}" for name in sorted(bound)}
    tree = _Rename(mapping).visit(tree)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    rest = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    rng.shuffle(rest)
    tree.body = imports + rest
    return ast.unparse(tree)


FUNCTIONS = ("abs", "round", "int", "float", "hash", "str", "len", "repr", "sorted", "list")
OPERATORS = ("+", "-", "*", "//", "%", "**", "<<", ">>", "|", "&")


def own_helper(rng: random.Random) -> str:
    """A helper function no one else writes (its steps drawn from 10 x 10 x 3 forms): the code
    a copier takes that is evidence."""
    steps = []
    for _ in range(6):
        f, op = rng.choice(FUNCTIONS), rng.choice(OPERATORS)
        steps.append(rng.choice((f"v = {f}(v {op} 3)", f"if v {op} 2:\n        v = {f}(v)",
                                 f"for i in range(3):\n        v = v {op} {f}(i)")))
    body = "\n    ".join(steps)
    return f"def _helper_{rng.randrange(10**6)}(v):\n    {body}\n    return v\n"


def disguise(code: str, rng: random.Random, exercise_names: set[str]) -> str:
    """A copier's edit of ``code``: renamed, reordered, a new comment and a dead statement."""
    code = personalise(code, rng, exercise_names)
    lines = code.splitlines()
    lines.insert(0, "# my own solution, written from the lecture notes")
    at = next((i + 1 for i, line in enumerate(lines) if line.lstrip().startswith("def ")), len(lines))
    indent = " " * (len(lines[at]) - len(lines[at].lstrip())) if at < len(lines) else ""
    lines.insert(at, f"{indent}unused_{rng.randrange(1000)} = {rng.randrange(10)}")
    return "\n".join(lines)


def make_class(course: Path, students: int, copies: int, seed: int):
    """Writes ``submitted/``; returns the planted pairs (assignment, student, student), the pairs
    that drew the same corpus answer for some exercise (indistinguishable from a copy, by
    construction) and the seconds spent."""
    start = time.perf_counter()
    rng = random.Random(seed)
    assignments = sorted(p.name for p in (REPO / "source").iterdir() if (p / f"{p.name}.ipynb").exists())
    for folder in ("release", "source"):
        for a in assignments:
            (course / folder / a).mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / folder / a / f"{a}.ipynb", course / folder / a / f"{a}.ipynb")
    names = [f"s{i:03d}" for i in range(students)]
    planted, coincident = [], set()
    for a in assignments:
        release = notebooks.read(course / "release" / a / f"{a}.ipynb")
        skeleton = notebooks.solution_cells(release)
        reference = notebooks.reference_solutions(notebooks.read(course / "source" / a / f"{a}.ipynb"))
        pool = {e: [reference[e], skeleton[e]] for e in skeleton}
        for answer in corpus.load(REPO / "tests" / "corpus", a):
            if answer.exercise in pool:
                pool[answer.exercise].append(answer.code)
        exercise_names = set(skeleton)
        drawn = {s: {e: rng.randrange(len(codes)) for e, codes in pool.items()} for s in names}
        chosen = rng.sample(names, 2 * copies)
        for copier, source in zip(chosen[:copies], chosen[copies:]):
            # the source wrote its own answers (a copy of the reference is no evidence, by design)
            drawn[source] = {e: rng.randrange(2, len(codes)) if len(codes) > 2 else 0 for e, codes in pool.items()}
            drawn[copier] = dict(drawn[source])
            planted.append((a, *sorted((copier, source))))
        holders = {}
        for s in names:
            for e, i in drawn[s].items():
                if i >= 2:  # a corpus answer (0 is the reference, 1 the skeleton: discounted)
                    holders.setdefault((e, i), []).append(s)
        coincident |= {(a, x, y) for group in holders.values() for j, x in enumerate(sorted(group))
                       for y in sorted(group)[j + 1:]}
        answers = {s: {e: personalise(pool[e][i], rng, exercise_names) for e, i in drawn[s].items()} for s in names}
        for copier, source in zip(chosen[:copies], chosen[copies:]):
            for e in answers[source]:  # the source wrote code of its own in every exercise
                answers[source][e] = answers[source][e] + "\n\n" + own_helper(rng)
            answers[copier] = {e: disguise(code, rng, exercise_names) for e, code in answers[source].items()}
        for s in names:
            path = course / "submitted" / s / a / f"{a}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebooks.make_submission(release, answers[s]), str(path))
    return planted, coincident - set(planted), time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=400)
    p.add_argument("--copies", type=int, default=20, help="copiers per assignment")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        course = Path(tmp)
        planted, coincident, made = make_class(course, args.students, args.copies, args.seed)
        print(f"wrote {args.students} students x {len(set(a for a, *_ in planted)) or 4} assignments in {made:.0f} s")
        load = os.getloadavg()
        start, cpu = time.perf_counter(), time.process_time()
        result = similarity_run.similarity(course)
        compared, cpu = time.perf_counter() - start, time.process_time() - cpu
        write_page(result, course / "reports" / "similarity.html")
        total = time.perf_counter() - start
        flagged = {(p.assignment, *p.students) for p in result.flagged()}
        found = [x for x in planted if x in flagged]
        exercises = sum(len(cells) for cells in result.cells.values())
        print(f"similarity of {args.students} students x {exercises} exercises: {compared:.1f} s to read and "
              f"compare ({cpu:.1f} s of CPU), {total:.1f} s with the page ({(course / 'reports' / 'similarity.html').stat().st_size // 1024} KiB)")
        print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
        others = flagged - set(planted)
        print(f"planted copies found: {len(found)} of {len(planted)}; other pairs flagged: {len(others)}, of which "
              f"{len(others & coincident)} drew the same corpus answer for some exercise (a copy, by construction)")
        closest = [p for p in result.flagged() if (p.assignment, *p.students) not in set(planted) | coincident][:5]
        for pair in closest:
            print(f"  not planted: {pair.assignment} {pair.students} {pair.score:.1f}")
        innocent = [p.score for a in result.assignments for p in result.pairs[a]
                    if (p.assignment, *p.students) not in set(planted)]
        copied = sorted(p.score for a in result.assignments for p in result.pairs[a]
                        if (p.assignment, *p.students) in set(planted))
        print(f"highest score of a pair not planted: {max(innocent, default=0):.1f}; "
              f"lowest of a planted pair: {copied[0] if copied else 0:.1f}")
    return 0 if len(found) == len(planted) else 1


if __name__ == "__main__":
    sys.exit(main())
