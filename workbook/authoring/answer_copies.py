"""Find copies of the reference solutions in what students receive, renamed or not.

The marker-based leak check (``leaks.py``) sees solution *lines*. This one compares code
the way a grader reads it: every function and method of the reference solutions is
normalised (docstring dropped, arguments and local names replaced by their order of first
use, so ``def f(x): e = x.exp()`` and ``def g(t): z = t.exp()`` are the same) and looked
for among the functions of the candidate code: the student wheel's modules and the release
notebooks' cells. Written here because no library compares Python code modulo renaming.
"""

import ast
import copy
import builtins
from dataclasses import dataclass

# Functions smaller than this (``def __len__(self): return len(self.x)``) are too common to
# count as an answer; every exercise's real work is well above it.
MIN_NODES = 20


@dataclass(frozen=True)
class Copy:
    exercise: str
    function: str   # the reference function (or Class.method) that was found
    where: str      # the candidate's name for it


class _Renamer(ast.NodeTransformer):
    """Local names and arguments -> v0, v1, ... in order of first appearance."""

    def __init__(self, local_names: set[str]):
        self.local_names = local_names
        self.mapping: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name not in self.local_names:
            return name
        return self.mapping.setdefault(name, f"v{len(self.mapping)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node):
        return ast.copy_location(ast.arg(arg=self._name(node.arg), annotation=None), node)


def _local_names(func: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names - set(dir(builtins))


def normalise(func: ast.FunctionDef) -> str:
    """The function's shape without its name, docstring, annotations or local names."""
    clone = copy.deepcopy(func)
    body = clone.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    clone.name, clone.body, clone.decorator_list, clone.returns = "f", body or [ast.Pass()], [], None
    clone = _Renamer(_local_names(func)).visit(clone)
    return ast.dump(clone, annotate_fields=False)


def functions(source: str) -> dict[str, ast.FunctionDef]:
    """Every function and method defined in ``source`` (``Class.method`` for methods); {} if
    it is not Python (a notebook cell with a shell escape, say)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return {}
    found = {}

    def walk(node, prefix=""):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[prefix + child.name] = child
                walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)

    walk(tree)
    return found


def _size(func: ast.FunctionDef) -> int:
    return sum(1 for _ in ast.walk(func))


def fingerprints(solutions: dict[str, str]) -> dict[str, tuple[str, str]]:
    """normalised function -> (exercise, function name), for every non-trivial function of
    the reference solutions ``{exercise: code}``."""
    prints = {}
    for exercise, code in solutions.items():
        for name, func in functions(code).items():
            if _size(func) >= MIN_NODES:
                prints.setdefault(normalise(func), (exercise, name))
    return prints


def find_copies(prints: dict[str, tuple[str, str]], source: str, where: str) -> list[Copy]:
    """The reference functions that ``source`` contains, renamed or not."""
    copies = []
    for name, func in functions(source).items():
        match = prints.get(normalise(func))
        if match:
            copies.append(Copy(match[0], match[1], f"{where}: {name}"))
    return copies
