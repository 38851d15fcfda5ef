"""The scan of one cell: every line that touches the checker, the interpreter or the grader's
files, or uses what the cell's exercise rebuilds, with the reason."""

import ast
import re

from .names import PY_CELL_MAGICS, call_name, cell_aliases, const_str, flatten, import_aliases, parse, \
    protected, qualname
from .rules import RULES, Rule
from .suspicious import CHECKER_MODULES, DYNAMIC_CODE, DYNAMIC_IMPORT, INTROSPECTION, LISTING, MOCK_PATCH, \
    NBGRADER_ENV, PATCHERS, PATH_MARKERS, RISKY_MAGICS, SHELL, SUSPECT_MODULES


def scan_source(source: str, *, aliases: dict[str, str] | None = None, exercises=(),
                solution: bool = False) -> list[tuple[int, str]]:
    """(line, reason) for every suspicious line of one cell, in line order.

    ``aliases``: the notebook's import aliases (default: the usual ones plus the cell's own
    imports); ``exercises``: the exercises this cell implements (their forbidden PyTorch
    functions are looked for); ``solution``: the cell implements an exercise (the checker
    and the grading flag have no business there).
    """
    found: list[tuple[int, str]] = []
    magic = re.match(r"\s*%%(\w+)[^\n]*\n", source)
    if magic and magic.group(1) in PY_CELL_MAGICS:  # the body of %%time etc. is Python too
        body = source[magic.end():]
        found += [(line + 1, reason) for line, reason in
                  scan_source(body, aliases=aliases, exercises=exercises, solution=solution)]
    tree = parse(source)
    if tree is None:
        return found
    aliases = cell_aliases(tree, import_aliases([tree]) if aliases is None else aliases)
    parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}

    def flag(node, reason):
        found.append((getattr(node, "lineno", 1), reason))

    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and const_str(n.value)}
    printed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node, aliases) in ("print", "builtins.print"):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                printed |= {id(n) for n in ast.walk(arg)}
    rules = [RULES[e] for e in exercises if e in RULES]

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _import_reasons(node, rules, solution, flag)
            continue
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in flatten(targets):
            reason = _write_reason(target, aliases)
            if reason:
                flag(node, reason)
        if isinstance(node, ast.Call):
            _call_reasons(node, aliases, flag)
        name = None
        if isinstance(node, (ast.Attribute, ast.Name)):
            name = qualname(node, aliases)
            outermost = not isinstance(parents.get(id(node)), ast.Attribute)
            if isinstance(node, ast.Name) and node.id == "__builtins__":
                flag(node, "uses __builtins__ (replacing builtins fools the checks)")
            if name == "sys.modules":
                flag(node, "uses sys.modules (replacing a module fools the checks)")
            elif name == "sys.path" and _is_mutated(node, parents):
                flag(node, "changes sys.path (a folder first on the path can shadow torch or the checks)")
            if (name or "").startswith("workbook") and isinstance(node, ast.Attribute) \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):
                flag(node, f"reads {name}, a private part of the checker")
            elif solution and outermost and (name or "").startswith("workbook.checks"):
                flag(node, f"uses the checker ({name}) inside an exercise")
            if solution and isinstance(node, ast.Name) and node.id == "GRADING" and isinstance(node.ctx, ast.Load):
                flag(node, "reads GRADING inside an exercise: the code behaves differently while graded")
        for rule in rules:
            reason = _forbidden_use(node, name, rule, aliases)
            if reason:
                flag(node, reason)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            _string_reasons(node, id(node) in printed, flag)

    seen, unique = set(), []
    for line, reason in sorted(found, key=lambda f: f[0]):
        if (line, reason) not in seen:
            seen.add((line, reason))
            unique.append((line, reason))
    return unique


def _import_reasons(node, rules, solution, flag):
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    else:
        if node.level:  # a relative import in a notebook: reaching for files next to it
            flag(node, "a relative import: loads code from files around the notebook")
            return
        modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    for module in modules:
        reason = SUSPECT_MODULES.get(module) or SUSPECT_MODULES.get(module.split(".")[0])
        if reason:
            flag(node, f"imports {module}: {reason}")
            break
    for module in modules:
        parts = module.split(".")
        if parts[:2] == ["workbook", "checks"] and len(parts) > 2 and (
                parts[2] in CHECKER_MODULES or parts[-1].startswith("_")):
            flag(node, f"imports {module}: the checker's internals")
            break
        if solution and parts[:2] == ["workbook", "checks"]:
            flag(node, f"imports {module} inside an exercise: the checker has no place in a solution")
            break
    for rule in rules:
        for module in modules:
            if _forbidden_name(module, rule):
                flag(node, f"imports {module}: this exercise asks for its own implementation of {rule.replaces}")
                break


def _string_reasons(node, printed: bool, flag):
    text = node.value
    env = NBGRADER_ENV.search(text)
    if env:
        flag(node, f"mentions {env.group(0)}...: checks whether nbgrader is grading it (NBGRADER_EXECUTION)")
        return
    if printed:  # text shown to the student opens nothing
        return
    for pattern, why in PATH_MARKERS:
        m = pattern.search(text)
        if m:
            flag(node, why.format(m.group(2) if pattern.groups >= 2 else ""))
            return


def _is_type_call(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type"


def _write_reason(target, aliases) -> str | None:
    if isinstance(target, ast.Attribute):
        base = qualname(target.value, aliases)
        if protected(base):
            return f"replaces {base}.{target.attr} (patching torch, the checks or the interpreter)"
        if _is_type_call(target.value):
            return f"replaces .{target.attr} on a class reached through type(...) (patching torch's classes)"
        if isinstance(target.value, ast.Attribute) and target.value.attr in ("__class__", "__dict__"):
            return f"replaces {target.attr} through {target.value.attr} (patching a class)"
    if isinstance(target, ast.Subscript):
        base = target.value
        if isinstance(base, ast.Attribute) and base.attr == "__dict__" and protected(qualname(base.value, aliases)):
            return f"writes to {qualname(base.value, aliases)}.__dict__ (patching torch or the checks)"
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id in ("vars", "globals"):
            if base.func.id == "globals" or (base.args and protected(qualname(base.args[0], aliases))):
                return f"writes names through {base.func.id}() (hides what it defines or replaces)"
    if isinstance(target, ast.Name) and target.id == "__builtins__":
        return "replaces __builtins__"
    return None


def _call_reasons(node: ast.Call, aliases, flag):
    func = call_name(node, aliases)
    if func in PATCHERS and node.args and (protected(qualname(node.args[0], aliases))
                                           or _is_type_call(node.args[0])):
        owner = qualname(node.args[0], aliases) or "type(...)"
        flag(node, f"{func.split('.')[-1]}() on {owner} (patching torch or the checks)")
    elif func and MOCK_PATCH.search(func):
        flag(node, "patches objects with unittest.mock")
    elif func in DYNAMIC_CODE:
        flag(node, f"runs code built at run time ({func.split('.')[-1]}), which no static scan can read")
    elif func in DYNAMIC_IMPORT:
        flag(node, f"calls {func}: reloading or importing modules at run time can swap what the checks use")
    elif func in SHELL or (func or "").startswith("subprocess."):
        flag(node, f"calls {func}: runs shell commands")
    elif func in INTROSPECTION:
        flag(node, f"calls {func}: reaches into the grader's frames, objects or signals")
    elif func in LISTING:
        flag(node, f"calls {func}: lists files around the notebook")
    elif isinstance(node.func, ast.Attribute):
        owner = node.func.value  # get_ipython().system("..."): the translation of a "!command" line
        is_ipython = isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) \
            and owner.func.id == "get_ipython"
        if is_ipython and node.func.attr in ("system", "getoutput"):
            flag(node, "runs a shell command (!...)")
        elif is_ipython and node.func.attr in ("run_cell_magic", "run_line_magic") and node.args \
                and const_str(node.args[0]) and node.args[0].value in RISKY_MAGICS:
            flag(node, f"runs the %{node.args[0].value} magic")
        elif node.func.attr in ("iterdir", "rglob") or (node.func.attr == "glob" and func is None):
            flag(node, f"calls .{node.func.attr}(): lists files around the notebook")


def _is_mutated(node, parents) -> bool:
    """Whether this ``sys.path`` is assigned, written to, or has a mutating method called."""
    parent = parents.get(id(node))
    if isinstance(node.ctx, (ast.Store, ast.Del)):
        return True
    if isinstance(parent, ast.Attribute) and parent.attr in ("insert", "append", "extend", "remove", "pop",
                                                               "clear", "__setitem__", "__iadd__"):
        return True
    return isinstance(parent, ast.Subscript) and isinstance(parent.ctx, (ast.Store, ast.Del))


def _forbidden_name(name: str | None, rule: Rule) -> bool:
    if not name:
        return False
    parts = name.split(".")
    if parts[0] != "torch":
        return False
    if any(name == m or name.startswith(m + ".") for m in rule.torch_modules):
        return True
    return len(parts) > 1 and (parts[-1] in rule.torch_names or parts[-1] in rule.attributes)


def _forbidden_use(node, name, rule: Rule, aliases) -> str | None:
    what = f"this exercise asks for its own implementation of {rule.replaces}"
    if isinstance(node, ast.Attribute):
        if node.attr in rule.attributes:
            return f"uses .{node.attr}: {what}"
        if _forbidden_name(name, rule) and not _forbidden_name(qualname(node.value, aliases), rule):
            return f"uses {name}: {what}"
    elif isinstance(node, ast.Name) and name and name != node.id and _forbidden_name(name, rule):
        return f"uses {node.id} ({name}): {what}"
    elif isinstance(node, ast.Call) and call_name(node, aliases) in ("getattr", "hasattr", "builtins.getattr") \
            and len(node.args) >= 2 and const_str(node.args[1]) \
            and (node.args[1].value in rule.attributes or node.args[1].value in rule.torch_names):
        return f"reaches {node.args[1].value!r} through getattr: {what}"
    return None
