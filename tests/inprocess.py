"""Grade a notebook's tests in this process, without Jupyter: fast enough for big corpora.

It executes, in a fresh namespace, what nbgrader would: the setup cell, each solution cell
(the reference solution, or a replacement under test) and each test cell with its hidden
tests. Demo cells are skipped; test cells must not depend on them. The real nbgrader path
is exercised separately (tests/test_nbgrader_pipeline.py).
"""

import linecache
from dataclasses import dataclass, field

from workbook.authoring import notebooks

_cell_counter = 0


@dataclass
class Result:
    passed: dict[str, bool] = field(default_factory=dict)   # test grade_id -> passed
    messages: dict[str, str] = field(default_factory=dict)  # test grade_id -> failure message
    points: dict[str, float] = field(default_factory=dict)  # exercise -> points earned


def _run(source: str, namespace: dict, label: str):
    """exec a cell with a filename that linecache knows, as IPython does."""
    global _cell_counter
    _cell_counter += 1
    filename = f"<cell {label} #{_cell_counter}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)


def grade(source_nb, answers: dict[str, str] | None = None) -> Result:
    """Points per exercise when the solution cells hold the reference, except ``answers``."""
    answers = answers or {}
    exercises = list(notebooks.solution_cells(source_nb))
    reference = notebooks.reference_solutions(source_nb)
    namespace: dict = {"__name__": "__main__"}
    result = Result(points={e: 0.0 for e in exercises})
    for cell in source_nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.cell_type != "code":
            continue
        if gid == "setup":
            _run(cell.source, namespace, gid)
        elif meta.get("solution"):
            try:
                _run(answers.get(gid, reference[gid]), namespace, gid)
            except Exception as exc:  # a broken cell: its exercise's tests will fail
                result.messages[gid] = f"{type(exc).__name__}: {exc}"
        elif meta.get("grade"):
            try:
                _run(cell.source, namespace, gid)
                result.passed[gid] = True
                result.points[notebooks.exercise_of(gid, exercises)] += float(meta.get("points", 0))
            except Exception as exc:
                result.passed[gid] = False
                result.messages[gid] = str(exc)
    return result
