"""What no student cell should touch, whatever the exercise: the checker, the interpreter,
the grader's files and environment. Names and patterns only; ``scan`` applies them."""

import importlib.util
import pkgutil
import re

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

RISKY_MAGICS = {"bash", "sh", "script", "system", "sx", "run", "load", "writefile", "env", "set_env", "reset",
                "xdel", "reload_ext", "load_ext", "aimport", "autoreload", "python", "python3", "pypy",
                "perl", "ruby", "file", "store", "sql"}


def _checker_modules() -> frozenset[str]:
    """The modules of ``workbook.checks``, found on disk: ``find_spec`` of a subpackage imports
    only its parent (``workbook``), so neither the checks nor torch start here."""
    spec = importlib.util.find_spec("workbook.checks")
    return frozenset(m.name for m in pkgutil.iter_modules(spec.submodule_search_locations))
CHECKER_MODULES = _checker_modules()  # integrity, forbidden, compare, ...: importing them is reaching inside
