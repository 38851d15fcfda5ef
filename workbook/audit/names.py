"""A cell's code as names: its syntax tree (IPython magics translated) and what each name in it
stands for through the notebook's imports (``F.softmax`` is ``torch.nn.functional.softmax``)."""

import ast

from .suspicious import DEFAULT_ALIASES, PROTECTED


PY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}  # their body runs as Python in the kernel


def python_source(cell_source: str) -> str:
    """The cell as Python: IPython magics and ``!shell`` lines become function calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(cell_source)
    except Exception:  # IPython missing or confused: parse the raw source
        return cell_source


def parse(cell_source: str) -> ast.Module | None:
    """The cell's syntax tree; plain Python is parsed as it is (IPython runs it unchanged), a
    cell with magics after IPython's translation. None when it isn't Python at all: such a
    cell doesn't run either, so there is nothing to scan."""
    try:
        return ast.parse(cell_source)
    except (SyntaxError, ValueError):
        pass
    try:
        return ast.parse(python_source(cell_source))
    except (SyntaxError, ValueError):
        return None


def explicit_aliases(trees) -> dict[str, str]:
    """Local name -> module or object path, from the imports (and ``t = torch``) in ``trees``."""
    aliases: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    if a.name != "*":
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for tree in trees:  # plain re-bindings of a module: t = torch; f = torch.nn.functional
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target = qualname(node.value, {**DEFAULT_ALIASES, **aliases})
                if protected(target):
                    aliases.setdefault(node.targets[0].id, target)
    return aliases


def import_aliases(trees) -> dict[str, str]:
    """The notebook's aliases: the usual ones (torch, F, nn, C, ...) and every import it makes."""
    return {**DEFAULT_ALIASES, **explicit_aliases(trees)}


def cell_aliases(tree, aliases: dict[str, str]) -> dict[str, str]:
    """The notebook's aliases as one cell sees them: a name the cell binds to a value of its
    own (``N, C = x.shape``, a parameter ``F``) is not the module of that name there."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    own = explicit_aliases([tree])
    return {**{k: v for k, v in aliases.items() if k not in bound}, **own}


def qualname(node, aliases) -> str | None:
    """``torch.nn.functional.softmax`` for ``F.softmax`` (when F is that module), else None."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = qualname(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Subscript):  # sys.modules["torch"] is torch
        if qualname(node.value, aliases) == "sys.modules" and const_str(node.slice):
            return node.slice.value
        return None
    if isinstance(node, ast.Call):
        func = qualname(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)
        if func in ("getattr", "builtins.getattr") and len(node.args) >= 2 and const_str(node.args[1]):
            base = qualname(node.args[0], aliases)
            return f"{base}.{node.args[1].value}" if base else None
        if func in ("importlib.import_module", "__import__", "builtins.__import__") and node.args \
                and const_str(node.args[0]):
            return node.args[0].value
    return None


def const_str(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def protected(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in PROTECTED


def call_name(node: ast.Call, aliases) -> str | None:
    return qualname(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)


def flatten(targets):
    for t in targets:
        if isinstance(t, (ast.Tuple, ast.List)):
            yield from flatten(t.elts)
        elif isinstance(t, ast.Starred):
            yield from flatten([t.value])
        else:
            yield t

