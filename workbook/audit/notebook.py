"""The scan of one submitted notebook: which cells to read (solutions, added or edited cells),
which exercise each implements, and the findings of each."""

import ast

from .names import flatten, import_aliases, parse
from .scan import scan_source


def defined_names(tree) -> set[str]:
    """Names a cell defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in flatten(targets) if isinstance(t, ast.Name)}
    return names


def scan_notebook(nb, release_nb=None) -> list[tuple[str, int, str, str]]:
    """(cell label, line, code line, reason) for every finding in a submitted notebook."""
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]
    trees = {i: parse(c.get("source", "")) for i, c in code_cells}
    aliases = import_aliases([t for t in trees.values() if t is not None])
    exercises = set(_solution_cells(nb))
    release_sources, release_ids = set(), set()
    if release_nb is not None:
        exercises |= set(_solution_cells(release_nb))
        release_sources = {c.get("source", "").strip() for c in release_nb.cells if c.get("cell_type") == "code"}
        release_ids = {c.get("id") for c in release_nb.cells if c.get("id")}
    findings = []
    for index, cell in code_cells:
        meta = _meta(cell)
        source = cell.get("source", "")
        if meta.get("solution"):
            label = meta.get("grade_id") or f"solution cell {index + 1}"
            own, solution = {meta.get("grade_id")} & exercises, True
        elif meta.get("grade") or meta.get("locked"):
            continue  # nbgrader restores test and locked cells from the gradebook before grading
        elif source.strip() in release_sources:
            continue  # the release's own demo cell, untouched
        else:
            label = f"{'edited' if cell.get('id') in release_ids else 'added'} cell {index + 1}"
            own = defined_names(trees[index]) & exercises  # a cell that (re)defines an exercise
            solution = bool(own)
        raw = source.splitlines()
        for line, reason in scan_source(source, aliases=aliases, exercises=sorted(own), solution=solution):
            text = raw[line - 1].strip() if 0 < line <= len(raw) else ""
            findings.append((label, line, text[:160], reason))
    return findings


def _meta(cell) -> dict:
    meta = cell.get("metadata", {})
    meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return meta if isinstance(meta, dict) else {}


def _solution_cells(nb) -> list[str]:
    return [_meta(c).get("grade_id") for c in nb.cells if c.get("cell_type") == "code" and _meta(c).get("solution")]
