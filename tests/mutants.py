"""Small AST edits of a reference solution: the mutants that tests/test_mutation.py grades.

Each mutant changes one thing a student could get wrong: an operator, a comparison, a
number or a default argument, a keyword argument left out, a method swapped for its twin
(amax/amin, sum/mean, train/eval, ...), a statement deleted, a ``torch.no_grad()`` context
dropped, a minus sign dropped. Only the solution regions and the signatures are mutated
(the ``def`` lines hold the defaults a student keeps); docstrings are left alone.
"""

import ast
import copy
import difflib
import hashlib
import re
from dataclasses import dataclass

BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
          ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult}
COMPARES = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
            ast.GtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
BOOLOPS = {ast.And: ast.Or, ast.Or: ast.And}
METHODS = {"amax": "amin", "amin": "amax", "sum": "mean", "mean": "sum", "train": "eval", "eval": "train",
           "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax", "stack": "cat",
           "zero_": "detach_", "clone": "detach"}
KINDS = ("binop", "compare", "boolop", "constant", "default", "keyword", "method", "statement", "no_grad",
         "minus")
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


@dataclass(frozen=True)
class Mutant:
    exercise: str
    kind: str          # one of KINDS
    line: int          # line of the change in the solution as a student writes it
    what: str          # e.g. "Add -> Sub"
    code: str          # the whole mutated cell

    @property
    def key(self) -> str:
        """A stable name: the exercise and a hash of the mutated code (for the equivalents file)."""
        return f"{self.exercise}:{hashlib.sha1(self.code.encode()).hexdigest()[:10]}"

    def diff(self, original: str) -> str:
        before = (ast.unparse(ast.parse(original)) + "\n").splitlines(True)
        return "".join(difflib.unified_diff(before, (self.code + "\n").splitlines(True), "reference", "mutant", n=1))


def solution_lines(cell_source: str) -> set[int]:
    """Lines (1-based, in the source without markers) inside ``### BEGIN/END SOLUTION``."""
    inside, lines, kept = False, set(), 0
    for raw in cell_source.splitlines():
        m = _MARKER.match(raw)
        if m:
            inside = m.group(1) == "BEGIN"
            continue
        kept += 1
        if inside:
            lines.add(kept)
    return lines


def _docstrings(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first))
    return ids


def _is_no_grad(expr) -> bool:
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "no_grad")


def _edits(tree, lines: set[int]):
    """(kind, line, what, node, apply) for every edit; ``apply(node)`` changes the node in place
    (on a copy of the tree) and returns what replaces it (or None: keep the node)."""
    docs = _docstrings(tree)
    defaults = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            defaults |= {id(d) for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if id(node) in defaults and isinstance(node, ast.Constant):
            yield from _constant_edits(node, "default")
            continue
        if id(node) in defaults and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield "default", node.lineno, "-x -> x", node, lambda n: n.operand  # dim=-1 -> dim=1
            continue
        if line not in lines:
            continue
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINOPS:
            new = BINOPS[type(node.op)]
            yield "binop", line, f"{type(node.op).__name__} -> {new.__name__}", node, _set(op=new())
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARES:
                    new = COMPARES[type(op)]
                    yield "compare", line, f"{type(op).__name__} -> {new.__name__}", node, _set_op(i, new())
        elif isinstance(node, ast.BoolOp):
            new = BOOLOPS[type(node.op)]
            yield "boolop", line, f"{type(node.op).__name__} -> {new.__name__}", node, _set(op=new())
        elif isinstance(node, ast.Constant) and id(node) not in docs:
            yield from _constant_edits(node, "constant")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield "minus", line, "-x -> x", node, lambda n: n.operand
        elif isinstance(node, ast.Call):
            for i, kw in enumerate(node.keywords):
                if kw.arg is not None:
                    yield "keyword", line, f"drop {kw.arg}=", node, _drop_keyword(i)
        if isinstance(node, ast.Attribute) and node.attr in METHODS:
            yield "method", line, f".{node.attr} -> .{METHODS[node.attr]}", node, _set(attr=METHODS[node.attr])
        if isinstance(node, ast.With) and any(_is_no_grad(item.context_expr) for item in node.items):
            yield "no_grad", line, "drop with torch.no_grad()", node, lambda n: n.body
        if isinstance(node, ast.FunctionDef):
            for i, dec in enumerate(node.decorator_list):
                if _is_no_grad(dec):
                    yield "no_grad", line, "drop @torch.no_grad()", node, _drop_decorator(i)
        if isinstance(node, ast.stmt) and id(node) not in docs and not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield "statement", line, f"delete {type(node).__name__}", node, lambda n: ast.Pass()


def _constant_edits(node, kind):
    v = node.value
    if isinstance(v, bool):
        yield kind, node.lineno, f"{v} -> {not v}", node, _set(value=not v)
    elif isinstance(v, int):
        yield kind, node.lineno, f"{v} -> {v + 1}", node, _set(value=v + 1)
        if v != 0:
            yield kind, node.lineno, f"{v} -> 0", node, _set(value=0)
    elif isinstance(v, float):
        yield kind, node.lineno, f"{v} -> {v * 2 or 1.0}", node, _set(value=v * 2 or 1.0)


def _set(**changes):
    def apply(n):
        for k, v in changes.items():
            setattr(n, k, v)
        return n
    return apply


def _set_op(i, op):
    def apply(n):
        n.ops[i] = op
        return n
    return apply


def _drop_keyword(i):
    def apply(n):
        del n.keywords[i]
        return n
    return apply


def _drop_decorator(i):
    def apply(n):
        del n.decorator_list[i]
        return n
    return apply


class _Replace(ast.NodeTransformer):
    """Apply one edit to the ``target``-th node in pre-order (the order of :func:`_preorder`)."""

    def __init__(self, target_index, apply):
        self.target, self.apply, self.index = target_index, apply, -1

    def visit(self, node):
        self.index += 1
        if self.index == self.target:
            return self.apply(node)
        return super().visit(node)


def mutants(exercise: str, cell_source: str) -> list[Mutant]:
    """Every distinct mutant of one solution cell (``cell_source`` with its markers)."""
    code = "\n".join(line for line in cell_source.splitlines() if not _MARKER.match(line))
    tree = ast.parse(code)
    lines = solution_lines(cell_source)
    order = {id(n): i for i, n in enumerate(_preorder(tree))}
    original = ast.unparse(tree)
    seen, out = {original}, []
    for kind, line, what, node, apply in list(_edits(tree, lines)):
        copy_tree = copy.deepcopy(tree)
        changed = _Replace(order[id(node)], apply).visit(copy_tree)
        try:
            text = ast.unparse(ast.fix_missing_locations(changed))
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError):
            continue
        if text not in seen:
            seen.add(text)
            out.append(Mutant(exercise, kind, line, what, text))
    return out


def _preorder(tree):
    """Nodes in the order ``ast.NodeTransformer.visit`` reaches them."""
    yield tree
    for child in ast.iter_child_nodes(tree):
        yield from _preorder(child)
