"""`workbook audit`: a static scan of the submissions for tampering, for a human to look at.

The grader already defends itself while it runs (the locked setup cell keeps private
references, every check verifies that torch and the checks are untouched, forbidden ops are
caught at the ATen dispatch level). This scan reads the code instead of running it, so it
also names what a clever submission might get past those defences, and says where: the
student, the assignment, the cell, the line and why the line is suspicious.

Scanned: every solution cell, and every code cell that a student added or edited (a cell
whose source is not in the release). Locked and test cells are skipped: nbgrader restores
them from the gradebook before it grades. The code is parsed with ``ast`` (IPython magics
and ``!shell`` lines are translated first) and names are resolved through the notebook's
imports, so ``F.softmax``, ``torch.nn.functional.softmax`` and ``from torch import softmax``
are the same call, while comments, docstrings and a variable that happens to be called ``C``
raise no alarm. Only the text of string constants (paths, environment variable names) is
matched with patterns.
"""

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from workbook.authoring import notebooks
from workbook.course import folders
from workbook.checks.exercise import FORBIDDEN, REPLACES

# -- what each exercise may not call -----------------------------------------------------------

# The Python names through which each ATen op of ``workbook.checks.exercise.FORBIDDEN`` is
# reached: functions (torch.softmax, F.softmax, torch.special.softmax), tensor methods
# (x.softmax) and module classes (nn.Softmax). An op missing here falls back to its own
# name without leading underscores or the ``special_`` prefix.
OP_ALIASES: dict[str, frozenset[str]] = {
    "_softmax": frozenset({"softmax", "_softmax", "Softmax"}),
    "softmax": frozenset({"softmax", "Softmax"}),
    "special_softmax": frozenset({"softmax"}),
    "_sparse_softmax": frozenset({"softmax"}),  # torch.sparse.softmax
    "_log_softmax": frozenset({"log_softmax", "_log_softmax", "LogSoftmax"}),
    "log_softmax": frozenset({"log_softmax", "LogSoftmax"}),
    "special_log_softmax": frozenset({"log_softmax"}),
    "_sparse_log_softmax": frozenset({"log_softmax"}),
    "logsumexp": frozenset({"logsumexp"}),
    "special_logsumexp": frozenset({"logsumexp"}),
    "nll_loss": frozenset({"nll_loss", "NLLLoss"}),
    "nll_loss_forward": frozenset({"nll_loss", "NLLLoss"}),
    "nll_loss2d": frozenset({"nll_loss2d", "NLLLoss2d"}),
    "nll_loss2d_forward": frozenset({"nll_loss2d", "NLLLoss2d"}),
    "nll_loss_nd": frozenset({"nll_loss", "NLLLoss"}),
    "cross_entropy_loss": frozenset({"cross_entropy", "CrossEntropyLoss"}),
}


def names_for_op(op: str) -> frozenset[str]:
    return OP_ALIASES.get(op) or frozenset({op.lstrip("_").removeprefix("special_")})


@dataclass(frozen=True)
class Rule:
    """What one exercise's cell may not use, and what to call it in the finding."""
    replaces: str
    attributes: frozenset[str] = frozenset()  # any ``<anything>.<name>`` (functions, methods)
    torch_names: frozenset[str] = frozenset()  # ``torch....<name>`` only (classes the student rebuilds)
    torch_modules: tuple[str, ...] = ()  # a whole module: torch.optim and everything in it


def _rules() -> dict[str, Rule]:
    from workbook.checks import exercise

    functions = getattr(exercise, "FORBIDDEN_FUNCTIONS", {})  # Python-level ones (F.cross_entropy)
    rules = {name: Rule(REPLACES.get(name, name), attributes=frozenset().union(
                 *map(names_for_op, ops), {f.__name__ for f in functions.get(name, ())}))
             for name, ops in FORBIDDEN.items()}
    rules.update({
        # 02: the loop and the optimizers that torch.optim packages.
        "fit_sgd": Rule("torch.optim", torch_modules=("torch.optim",)),
        "Optimizer": Rule("torch.optim.SGD", torch_names=frozenset({"SGD"})),
        "SGD": Rule("torch.optim.SGD", torch_names=frozenset({"SGD"})),
        # 03
        "SequentialModel": Rule("nn.Sequential", torch_names=frozenset({"Sequential"})),
        # 04: PyTorch's classes that the student's are compared with.
        "Dataset": Rule("torch.utils.data.TensorDataset", torch_names=frozenset({"TensorDataset"})),
        "Sampler": Rule("torch.utils.data.SequentialSampler / RandomSampler",
                        torch_names=frozenset({"SequentialSampler", "RandomSampler"})),
        "BatchSampler": Rule("torch.utils.data.BatchSampler", torch_names=frozenset({"BatchSampler"})),
        "collate": Rule("torch.utils.data.default_collate",
                        torch_names=frozenset({"default_collate", "collate"})),
        "DataLoader": Rule("torch.utils.data.DataLoader", torch_names=frozenset({"DataLoader"})),
    })
    return rules


RULES: dict[str, Rule] = _rules()

# -- what no student cell should touch ----------------------------------------------------------

DEFAULT_ALIASES = {"torch": "torch", "F": "torch.nn.functional", "nn": "torch.nn", "C": "workbook.checks",
                   "sys": "sys", "os": "os", "builtins": "builtins", "importlib": "importlib",
                   "__builtins__": "builtins"}
PROTECTED = ("torch", "workbook", "builtins", "sys", "nbgrader", "IPython", "ipykernel")
PATCHERS = {"setattr", "delattr", "builtins.setattr", "builtins.delattr"}
MOCK_PATCH = re.compile(r"(^|\.)mock\.patch(\.object|\.dict|\.multiple)?$")
DYNAMIC_CODE = {"exec", "eval", "compile", "builtins.exec", "builtins.eval", "builtins.compile"}
DYNAMIC_IMPORT = {"importlib.reload", "importlib.import_module", "imp.reload", "__import__",
                  "builtins.__import__", "importlib.util.spec_from_file_location",
                  "importlib.util.module_from_spec"}
SHELL = {"os.system", "os.popen", "os.execv", "os.execve", "os.execvp", "os.spawnl", "os.spawnv",
         "os.fork", "pty.spawn"}
INTROSPECTION = {"sys._getframe", "sys.settrace", "sys.setprofile", "sys._current_frames",
                 "threading.settrace", "threading.setprofile", "inspect.currentframe", "inspect.stack",
                 "inspect.getouterframes", "inspect.trace", "gc.get_referrers", "gc.get_objects",
                 "gc.get_referents", "signal.signal", "signal.alarm", "signal.setitimer"}
LISTING = {"os.listdir", "os.scandir", "os.walk", "glob.glob", "glob.iglob", "os.path.expanduser"}
SUSPECT_MODULES = {  # importing these from a notebook cell is reason enough to look
    "subprocess": "runs shell commands", "pty": "runs shell commands",
    "ctypes": "can rewrite memory and bypass every check",
    "sqlite3": "can open the gradebook (an SQLite file)", "sqlalchemy": "can open the gradebook",
    "psycopg": "can open the gradebook", "psycopg2": "can open the gradebook",
    "nbgrader": "nbgrader itself has no place in a submission",
    "builtins": "replacing builtins fools the checks", "__builtin__": "replacing builtins fools the checks",
    "unittest.mock": "patches objects with mock",
}
PATH_MARKERS = [
    (re.compile(r"gradebook|\.db\b|\.sqlite", re.I), "names the gradebook (a database file)"),
    (re.compile(r"nbgrader_config"), "names nbgrader_config.py"),
    (re.compile(r"(^|[\\/])(source|solutions|autograded|submitted|feedback|release)([\\/]|$)"),
     "names a course folder ({0}/): hidden tests, solutions or other students' work"),
    (re.compile(r"\.ipynb\b"), "names a notebook file (another notebook's tests or answers)"),
    (re.compile(r"(^|[\\/])\.\.([\\/]|$)"), "reaches outside the notebook's folder (..)"),
]
NBGRADER_ENV = re.compile(r"NBGRADER|JPY_SESSION|JUPYTER_")


@dataclass(frozen=True)
class Finding:
    student: str
    assignment: str
    notebook: str
    cell: str  # the solution cell's grade_id, or "added cell 12" / "edited cell 12"
    line: int  # 1-based within the cell; 0 for the whole notebook
    code: str
    reason: str

    def format(self) -> str:
        where = f"{self.cell}, line {self.line}" if self.line else self.cell
        code = f": {self.code}" if self.code else ""
        return f"{self.student}  {self.assignment}  {where}{code}  <- {self.reason}"


# -- parsing ------------------------------------------------------------------------------------

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
                if _protected(target):
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
        if qualname(node.value, aliases) == "sys.modules" and _const_str(node.slice):
            return node.slice.value
        return None
    if isinstance(node, ast.Call):
        func = qualname(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)
        if func in ("getattr", "builtins.getattr") and len(node.args) >= 2 and _const_str(node.args[1]):
            base = qualname(node.args[0], aliases)
            return f"{base}.{node.args[1].value}" if base else None
        if func in ("importlib.import_module", "__import__", "builtins.__import__") and node.args \
                and _const_str(node.args[0]):
            return node.args[0].value
    return None


def _const_str(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _protected(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in PROTECTED


def _call_name(node: ast.Call, aliases) -> str | None:
    return qualname(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)


# -- the scan of one cell ------------------------------------------------------------------------

def _checker_modules() -> frozenset[str]:
    import pkgutil

    from workbook import checks

    return frozenset(m.name for m in pkgutil.iter_modules(checks.__path__))


CHECKER_MODULES = _checker_modules()  # integrity, forbidden, compare, ...: importing them is reaching inside


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

    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and _const_str(n.value)}
    printed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node, aliases) in ("print", "builtins.print"):
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
        for target in _flatten(targets):
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


def _flatten(targets):
    for t in targets:
        if isinstance(t, (ast.Tuple, ast.List)):
            yield from _flatten(t.elts)
        elif isinstance(t, ast.Starred):
            yield from _flatten([t.value])
        else:
            yield t


def _is_type_call(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type"


def _write_reason(target, aliases) -> str | None:
    if isinstance(target, ast.Attribute):
        base = qualname(target.value, aliases)
        if _protected(base):
            return f"replaces {base}.{target.attr} (patching torch, the checks or the interpreter)"
        if _is_type_call(target.value):
            return f"replaces .{target.attr} on a class reached through type(...) (patching torch's classes)"
        if isinstance(target.value, ast.Attribute) and target.value.attr in ("__class__", "__dict__"):
            return f"replaces {target.attr} through {target.value.attr} (patching a class)"
    if isinstance(target, ast.Subscript):
        base = target.value
        if isinstance(base, ast.Attribute) and base.attr == "__dict__" and _protected(qualname(base.value, aliases)):
            return f"writes to {qualname(base.value, aliases)}.__dict__ (patching torch or the checks)"
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id in ("vars", "globals"):
            if base.func.id == "globals" or (base.args and _protected(qualname(base.args[0], aliases))):
                return f"writes names through {base.func.id}() (hides what it defines or replaces)"
    if isinstance(target, ast.Name) and target.id == "__builtins__":
        return "replaces __builtins__"
    return None


def _call_reasons(node: ast.Call, aliases, flag):
    func = _call_name(node, aliases)
    if func in PATCHERS and node.args and (_protected(qualname(node.args[0], aliases))
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
                and _const_str(node.args[0]) and node.args[0].value in RISKY_MAGICS:
            flag(node, f"runs the %{node.args[0].value} magic")
        elif node.func.attr in ("iterdir", "rglob") or (node.func.attr == "glob" and func is None):
            flag(node, f"calls .{node.func.attr}(): lists files around the notebook")


RISKY_MAGICS = {"bash", "sh", "script", "system", "sx", "run", "load", "writefile", "env", "set_env", "reset",
                "xdel", "reload_ext", "load_ext", "aimport", "autoreload", "python", "python3", "pypy",
                "perl", "ruby", "file", "store", "sql"}


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
    elif isinstance(node, ast.Call) and _call_name(node, aliases) in ("getattr", "hasattr", "builtins.getattr") \
            and len(node.args) >= 2 and _const_str(node.args[1]) \
            and (node.args[1].value in rule.attributes or node.args[1].value in rule.torch_names):
        return f"reaches {node.args[1].value!r} through getattr: {what}"
    return None


# -- notebooks and submissions -------------------------------------------------------------------

def defined_names(tree) -> set[str]:
    """Names a cell defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in _flatten(targets) if isinstance(t, ast.Name)}
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


def submitted_notebooks(root) -> list[tuple[str, str, Path]]:
    """(student, assignment, path) of every submitted notebook, sorted."""
    return [(h.student, h.assignment, path) for h in folders.submissions(root) for path in h.notebooks()]


def audit(root) -> tuple[list[Finding], int]:
    """Every finding in ``<root>/submitted``, and how many notebooks were scanned."""
    root = Path(root)
    if not (root / "submitted").is_dir():
        raise FileNotFoundError(f"{root.resolve()} has no submitted/ folder: nothing to audit")
    releases: dict[Path, object] = {}
    findings, scanned = [], 0
    for student, assignment, path in submitted_notebooks(root):
        scanned += 1
        release_path = root / "release" / assignment / path.name
        if release_path not in releases:
            releases[release_path] = _read(release_path) if release_path.exists() else None
        release_nb = releases[release_path]
        if isinstance(release_nb, Exception):
            release_nb = None
        nb = _read(path)
        if isinstance(nb, Exception):  # not JSON, not a notebook: say so and go on
            error = nb
            detail = str(error).strip().splitlines()[0][:160] if str(error).strip() else type(error).__name__
            findings.append(Finding(student, assignment, path.name, "notebook", 0, "",
                                    f"unreadable: not a valid notebook ({detail})"))
            continue
        try:
            found = scan_notebook(nb, release_nb)
        except Exception as error:  # a notebook malformed in some other way: still one line, never a crash
            found = [("notebook", 0, "", f"could not be scanned: {type(error).__name__}: {error}"[:200])]
        for cell, line, code, reason in found:
            findings.append(Finding(student, assignment, path.name, cell, line, code, reason))
    return findings, scanned


def _read(path):
    """The notebook, or the exception that reading it raised. nbformat's warnings about a
    notebook's form (missing cell ids, ...) are no finding and stay quiet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return notebooks.read(path)
    except Exception as error:
        return error


def audit_main(root) -> int:
    """Print one line per finding; 1 when something was flagged, else 0."""
    findings, scanned = audit(root)
    flagged = sorted({(f.student, f.assignment) for f in findings})
    for finding in findings:
        print(finding.format())
    if findings:
        print(f"\naudit: {len(findings)} finding(s) in {len(flagged)} of {scanned} submitted notebook(s); "
              "look at these by hand (the scan reads code, it does not prove intent)")
        return 1
    print(f"audit: nothing suspicious in {scanned} submitted notebook(s)")
    return 0
