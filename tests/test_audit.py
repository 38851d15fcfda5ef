"""`workbook audit`: each tampering pattern is flagged with its line and reason; the reference
solutions, the correct answers of the corpus and the course's own demo code never are."""

import nbformat
import pytest
from conftest import ROOT, WRITTEN, release_notebook, source_notebook

from workbook import audit
from workbook.demo import corpus
from workbook.authoring import notebooks

FIRST = "01_cross_entropy"


def base_notebook(assignment):
    """The release when it exists, else the source notebook (whose extra cells are all locked)."""
    path = notebooks.notebook_path(ROOT, "release", assignment)
    return release_notebook(assignment) if path.exists() else source_notebook(assignment)


def reference(assignment):
    return notebooks.reference_solutions(source_notebook(assignment))


def submission(assignment, answers=None, added=()):
    """The release with ``answers`` in its solution cells and ``added`` code cells appended."""
    nb = notebooks.make_submission(base_notebook(assignment), answers or {})
    for source in added:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def findings(nb, assignment=FIRST):
    return audit.scan_notebook(nb, base_notebook(assignment))


def softmax_with(*lines):
    body = "\n".join(f"    {line}" for line in lines)
    return f"def softmax(x, dim=-1):\n{body}\n    e = (x - x.amax(dim, keepdim=True)).exp()\n" \
           "    return e / e.sum(dim, keepdim=True)\n"


# -- every pattern, one notebook each ----------------------------------------------------------

# (name, cell answers, added cells, expected cell label, line, code fragment, reason fragment)
PATTERNS = [
    ("patch_torch", {"softmax": softmax_with("torch.allclose = lambda *a, **k: True")}, (),
     "softmax", 2, "torch.allclose = lambda", "replaces torch.allclose"),
    ("setattr_tensor", {"softmax": softmax_with("setattr(torch.Tensor, '__eq__', lambda a, b: True)")}, (),
     "softmax", 2, "setattr(torch.Tensor", "setattr() on torch.Tensor"),
    ("patch_checker", {}, ("C.verify_integrity = lambda: None",),
     "added", 1, "C.verify_integrity = lambda: None", "replaces workbook.checks.verify_integrity"),
    ("patch_checker_module", {}, ("from workbook.checks import compare\ncompare.assert_close = print",),
     "added", 2, "compare.assert_close = print", "replaces workbook.checks.compare.assert_close"),
    ("sys_modules", {}, ("import sys\nsys.modules['workbook.checks.integrity'] = None",),
     "added", 2, "sys.modules[", "sys.modules"),
    ("import_builtins", {}, ("import builtins\nbuiltins.isinstance = lambda *a: True",),
     "added", 1, "import builtins", "imports builtins"),
    ("patch_builtins", {}, ("import builtins\nbuiltins.isinstance = lambda *a: True",),
     "added", 2, "builtins.isinstance = lambda", "replaces builtins.isinstance"),
    ("dunder_builtins", {"softmax": softmax_with("__builtins__['len'] = lambda x: 0")}, (),
     "softmax", 2, "__builtins__['len']", "__builtins__"),
    ("read_gradebook", {}, ("data = open('../../gradebook.db', 'rb').read()",),
     "added", 1, "gradebook.db", "gradebook"),
    ("read_source", {}, ("import json\nnb = json.load(open('../../../source/01_cross_entropy/x.ipynb'))",),
     "added", 2, "json.load(open(", "source/"),
    ("read_other_notebook", {}, ("text = open('/home/other/answers.ipynb').read()",),
     "added", 1, "answers.ipynb", "notebook file"),
    ("nbgrader_env", {"softmax": softmax_with("if os.environ.get('NBGRADER_EXECUTION'):",
                                               "    return torch.zeros_like(x)")}, (),
     "softmax", 2, "os.environ.get('NBGRADER_EXECUTION')", "NBGRADER_EXECUTION"),
    ("getenv", {}, ("import os\nstrict = os.getenv('NBGRADER_EXECUTION') is None",),
     "added", 2, "os.getenv(", "NBGRADER_EXECUTION"),
    ("reload", {}, ("import importlib\nimportlib.reload(torch)",),
     "added", 2, "importlib.reload(torch)", "importlib.reload"),
    ("checks_in_solution", {"softmax": "def softmax(x, dim=-1):\n    return C.bindings_for('log_softmax')"
                                       "['softmax'](x, dim)\n"}, (),
     "softmax", 2, "C.bindings_for", "uses the checker (workbook.checks.bindings_for) inside an exercise"),
    ("grading_flag", {"softmax": softmax_with("if GRADING:", "    return x")}, (),
     "softmax", 2, "if GRADING:", "GRADING"),
    ("forbidden_F", {"softmax": "def softmax(x, dim=-1):\n    return F.softmax(x, dim=dim)\n"}, (),
     "softmax", 2, "F.softmax(x, dim=dim)", "torch.softmax"),
    ("forbidden_method", {"softmax": "def softmax(x, dim=-1):\n    return x.softmax(dim)\n"}, (),
     "softmax", 2, "x.softmax(dim)", "torch.softmax"),
    ("forbidden_module", {"softmax": "def softmax(x, dim=-1):\n    return torch.nn.Softmax(dim=dim)(x)\n"}, (),
     "softmax", 2, "torch.nn.Softmax", "torch.softmax"),
    ("forbidden_special", {"softmax": "def softmax(x, dim=-1):\n    return torch.special.softmax(x, dim)\n"}, (),
     "softmax", 2, "torch.special.softmax", "torch.softmax"),
    ("forbidden_log_softmax", {"softmax": "def softmax(x, dim=-1):\n    return torch.log_softmax(x, dim).exp()\n"},
     (), "softmax", 2, "torch.log_softmax(x, dim).exp()", "torch.softmax"),
    ("forbidden_import", {"logsumexp": "from torch import logsumexp as lse\n\n"
                                       "def logsumexp(x, dim=-1, keepdim=False):\n    return lse(x, dim, keepdim)\n"},
     (), "logsumexp", 1, "from torch import logsumexp as lse", "torch.logsumexp"),
    ("forbidden_getattr", {"log_softmax": "def log_softmax(x, dim=-1):\n"
                                          "    return getattr(F, 'log_softmax')(x, dim)\n"}, (),
     "log_softmax", 2, "getattr(F, 'log_softmax')", "torch.log_softmax"),
    ("forbidden_nll", {"nll": "def nll(input, target):\n    return F.nll_loss(input, target)\n"}, (),
     "nll", 2, "F.nll_loss(input, target)", "F.nll_loss"),
    ("forbidden_cross_entropy", {"cross_entropy": "def cross_entropy(input, target):\n"
                                                  "    return torch.nn.functional.cross_entropy(input, target)\n"},
     (), "cross_entropy", 2, "torch.nn.functional.cross_entropy", "F.cross_entropy"),
    ("redefined_elsewhere", {}, ("softmax = torch.softmax",),
     "added", 1, "softmax = torch.softmax", "torch.softmax"),
    ("shell", {}, ("!cat ../../gradebook.db",), "added", 1, "!cat ../../gradebook.db", "shell command"),
    ("cell_magic", {}, ("%%time\ntorch.allclose = lambda *a, **k: True",),
     "added", 2, "torch.allclose = lambda", "replaces torch.allclose"),
    ("exec", {}, ("exec('torch.allclose = lambda *a, **k: True')",), "added", 1, "exec(", "exec"),
    ("frames", {}, ("import sys\nsys._getframe(1).f_globals.clear()",), "added", 2, "sys._getframe", "frames"),
    ("mock", {}, ("from unittest import mock\nmock.patch('torch.allclose', return_value=True).start()",),
     "added", 2, "mock.patch(", "mock"),
]


@pytest.mark.parametrize("name, answers, added, cell, line, code, reason", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_each_tampering_pattern_is_flagged_with_line_and_reason(name, answers, added, cell, line, code, reason):
    nb = submission(FIRST, {**reference(FIRST), **answers}, added)
    got = findings(nb)
    assert got, f"{name}: nothing flagged"
    match = [f for f in got if f[0].startswith(cell) and f[1] == line and reason in f[3]]
    assert match, f"{name}: expected {cell}, line {line}, reason containing {reason!r}; got {got}"
    assert code in match[0][2]


def test_an_added_cell_is_labelled_with_its_position():
    nb = submission(FIRST, reference(FIRST), ["import sys\nsys.modules.pop('torch')"])
    [(cell, line, code, reason)] = findings(nb)
    assert cell == f"added cell {len(nb.cells)}" and line == 2 and code == "sys.modules.pop('torch')"


def test_an_edited_demo_cell_is_scanned_and_an_untouched_one_is_not():
    nb = submission(FIRST, reference(FIRST))
    demo = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not notebooks.nbgrader_meta(c))
    assert findings(nb) == []
    nb.cells[demo].source += "\ntorch.isclose = lambda *a, **k: True"
    [(cell, line, code, reason)] = findings(nb)
    assert cell == f"edited cell {demo + 1}" and "torch.isclose" in reason


def test_locked_and_test_cells_are_skipped_since_nbgrader_restores_them():
    nb = submission(FIRST, reference(FIRST))
    for c in nb.cells:
        meta = notebooks.nbgrader_meta(c)
        if meta.get("locked") or meta.get("grade"):
            c.source += "\ntorch.allclose = lambda *a, **k: True"
    assert findings(nb) == []


# -- rules for the later assignments, and lines that are no tampering ----------------------------

@pytest.mark.parametrize("exercise, source, flagged", [
    ("fit_sgd", "def fit_sgd(model, loss_func, x, y, lr, bs, epochs):\n"
                "    opt = torch.optim.SGD(model.parameters(), lr)\n", 2),
    ("fit_sgd", "from torch import optim\n\ndef fit_sgd(model, *a):\n"
                "    return optim.SGD(model.parameters(), 0.1)\n", 1),
    ("SGD", "class SGD(torch.optim.SGD):\n    pass\n", 1),
    ("SequentialModel", "class SequentialModel(nn.Module):\n    def __init__(self, layers):\n"
                        "        super().__init__()\n        self.body = nn.Sequential(*layers)\n", 4),
    ("Dataset", "import torch.utils.data as tud\nDataset = tud.TensorDataset\n", 2),
    ("collate", "from torch.utils.data import default_collate\n\n"
                "def collate(b):\n    return default_collate(list(b))\n", 1),
    ("DataLoader", "def DataLoader(ds, batchs, collate_fn=None):\n"
                   "    return torch.utils.data.DataLoader(ds, batch_sampler=batchs)\n", 2),
])
def test_forbidden_torch_classes_of_later_assignments(exercise, source, flagged):
    got = audit.scan_source(source, exercises=[exercise], solution=True)
    assert any(line == flagged for line, _ in got), got


@pytest.mark.parametrize("source, exercise", [
    ("def nll(input, target):\n    N, C = input.shape\n    return -input[torch.arange(N), target].mean()\n", "nll"),
    ("def softmax(x, dim=-1):\n    '''not ../gradebook.db, nor source/ nor F.softmax'''\n"
     "    e = (x - x.amax(dim, True)).exp()  # torch.softmax would be forbidden\n"
     "    return e / e.sum(dim, True)\n", "softmax"),
    ("print('see the source/ folder and gradebook.db')", None),
    ("def logsumexp(x, dim=-1, keepdim=False):\n    m = x.amax(dim, keepdim=True)\n"
     "    out = m - softmax(x, dim).amax(dim, keepdim=True).log()\n    return out if keepdim else out.squeeze(dim)\n",
     "logsumexp"),
    ("def get_dls(train_ds, valid_ds, bs, **kwargs):\n"
     "    return (torch.utils.data.DataLoader(train_ds, bs, shuffle=True, **kwargs),\n"
     "            torch.utils.data.DataLoader(valid_ds, bs * 2, **kwargs))\n", "get_dls"),
    ("class MLP(nn.Module):\n    def __init__(self, n_in, nh, n_out):\n        super().__init__()\n"
     "        self.l1, self.relu, self.l2 = nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out)\n", "MLP"),
    ("n = 256 if GRADING else 4000\nplt.plot(losses)", None),
])
def test_ordinary_code_raises_no_alarm(source, exercise):
    assert audit.scan_source(source, exercises=[exercise] if exercise else [], solution=bool(exercise)) == []


def test_every_forbidden_op_of_the_course_has_python_names():
    from workbook.course.table import ASSIGNMENT_TABLE

    for exercise in (e for a in ASSIGNMENT_TABLE for e in a.exercises if e.forbidden_ops):
        assert exercise.name in audit.RULES
        for op in exercise.forbidden_ops:
            assert op in audit.OP_ALIASES, f"add the Python names that reach aten::{op} to audit.OP_ALIASES"


# -- no false alarms -----------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", WRITTEN)
def test_reference_solutions_raise_no_alarm(assignment):
    assert findings(submission(assignment, reference(assignment)), assignment) == []


@pytest.mark.parametrize("assignment", WRITTEN)
def test_the_committed_solution_notebooks_raise_no_alarm(assignment):
    path = notebooks.notebook_path(ROOT, "solutions", assignment)
    if not path.exists():
        pytest.skip(f"solutions/{assignment} is not built yet")
    assert audit.scan_notebook(notebooks.read(path), base_notebook(assignment)) == []


@pytest.mark.parametrize("assignment", WRITTEN)
def test_the_course_demo_cells_raise_no_alarm_even_as_added_cells(assignment):
    nb = base_notebook(assignment)
    demo = [c.source for c in nb.cells if c.cell_type == "code" and not notebooks.nbgrader_meta(c)]
    copied = submission(assignment, reference(assignment), demo)
    assert audit.scan_notebook(copied, None) == []


CORRECT = [a for assignment in WRITTEN for a in corpus.load(ROOT / "tests" / "corpus", assignment)
           if a.verdict == "correct"]


@pytest.mark.parametrize("answer", CORRECT, ids=[a.name for a in CORRECT])
def test_correct_corpus_answers_raise_no_alarm(answer):
    nb = submission(answer.assignment, {**reference(answer.assignment), answer.exercise: answer.code})
    assert findings(nb, answer.assignment) == []


def test_wrong_corpus_answers_that_call_pytorch_are_flagged():
    """01's "calls PyTorch's own ..." answers are exactly what the scan looks for."""
    calls = [a for a in corpus.load(ROOT / "tests" / "corpus", FIRST)
             if a.verdict == "wrong" and "_calls_" in a.path.stem]
    assert calls
    for answer in calls:
        nb = submission(answer.assignment, {**reference(answer.assignment), answer.exercise: answer.code})
        assert any(cell == answer.exercise for cell, *_ in findings(nb, answer.assignment)), answer.name


# -- the command ---------------------------------------------------------------------------------

def _hand_in(root, student, nb, assignment=FIRST):
    path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        path.write_text(nb)
    else:
        nbformat.write(nb, str(path))
    return path


def _course(tmp_path):
    release = tmp_path / "release" / FIRST
    release.mkdir(parents=True)
    nbformat.write(base_notebook(FIRST), str(release / f"{FIRST}.ipynb"))
    return tmp_path


def test_audit_main_lists_each_finding_and_returns_1(tmp_path, capsys):
    root = _course(tmp_path)
    _hand_in(root, "ada", submission(FIRST, reference(FIRST)))
    _hand_in(root, "mallory", submission(FIRST, {**reference(FIRST), "softmax": softmax_with(
        "torch.allclose = lambda *a, **k: True")}))
    _hand_in(root, "zed", "{ this is not json")
    assert audit.audit_main(root) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    patched = next(line for line in lines if line.startswith("mallory"))
    assert FIRST in patched and "softmax, line 2" in patched and "torch.allclose = lambda" in patched
    assert "replaces torch.allclose" in patched
    unreadable = next(line for line in lines if line.startswith("zed"))
    assert "unreadable" in unreadable and "not a valid notebook" in unreadable
    assert not any(line.startswith("ada") for line in lines)
    assert "2 of 3 submitted notebook(s)" in out


def test_audit_main_returns_0_for_a_clean_class(tmp_path, capsys):
    root = _course(tmp_path)
    _hand_in(root, "ada", submission(FIRST, reference(FIRST)))
    _hand_in(root, "ben", submission(FIRST, {}))
    assert audit.audit_main(root) == 0
    assert "nothing suspicious in 2 submitted notebook(s)" in capsys.readouterr().out


def test_audit_without_submissions_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no submitted/"):
        audit.audit_main(tmp_path)


def test_malformed_notebooks_never_crash_the_audit(tmp_path, capsys):
    root = _course(tmp_path)
    _hand_in(root, "empty", "{}")
    _hand_in(root, "list", "[1, 2]")
    (_hand_in(root, "binary", "")).write_bytes(b"\x00\xff\xfe")
    odd = {"cells": [{"cell_type": "code", "metadata": {"nbgrader": "not a dict"}, "source": "x = 1",
                      "outputs": [], "execution_count": None},
                     {"cell_type": "code", "metadata": {}, "source": ["import sys\n", "sys.modules.clear()"],
                      "outputs": [], "execution_count": None}],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    import json

    _hand_in(root, "odd", json.dumps(odd))
    assert audit.audit_main(root) == 1
    out = capsys.readouterr().out
    for student in ("empty", "list", "binary"):
        assert any(line.startswith(student) and "unreadable" in line for line in out.splitlines()), student
    assert any(line.startswith("odd") and "added cell 2, line 2: sys.modules.clear()" in line
               for line in out.splitlines())


# -- the rules come from the course table --------------------------------------------------------

# RULES as they were before the course table held these facts (read from workbook.checks, and
# written by hand for 02-04): exercise -> (replaces, attributes, torch_names, torch_modules).
RULES_BEFORE_THE_TABLE = {
    'BatchSampler': ('torch.utils.data.BatchSampler', set(),
        {'BatchSampler'}, ()),
    'DataLoader': ('torch.utils.data.DataLoader', set(),
        {'DataLoader'}, ()),
    'Dataset': ('torch.utils.data.TensorDataset', set(),
        {'TensorDataset'}, ()),
    'Optimizer': ('torch.optim.SGD', set(),
        {'SGD'}, ()),
    'SGD': ('torch.optim.SGD', set(),
        {'SGD'}, ()),
    'Sampler': ('torch.utils.data.SequentialSampler / RandomSampler', set(),
        {'RandomSampler', 'SequentialSampler'}, ()),
    'SequentialModel': ('nn.Sequential', set(),
        {'Sequential'}, ()),
    'collate': ('torch.utils.data.default_collate', set(),
        {'collate', 'default_collate'}, ()),
    'cross_entropy': ('F.cross_entropy / F.nll_loss',
        {'CrossEntropyLoss', 'NLLLoss', 'NLLLoss2d', 'cross_entropy', 'nll_loss', 'nll_loss2d'}, set(), ()),
    'fit_sgd': ('torch.optim', set(),
        set(), ('torch.optim',)),
    'log_softmax': ('torch.log_softmax', {'LogSoftmax', '_log_softmax', 'log_softmax'},
        set(), ()),
    'logsumexp': ('torch.logsumexp',
        {'LogSoftmax', 'Softmax', '_log_softmax', '_softmax', 'log_softmax', 'logsumexp', 'softmax'}, set(), ()),
    'nll': ('F.nll_loss', {'CrossEntropyLoss', 'NLLLoss', 'NLLLoss2d', 'cross_entropy', 'nll_loss', 'nll_loss2d'},
        set(), ()),
    'softmax': ('torch.softmax', {'LogSoftmax', 'Softmax', '_log_softmax', '_softmax', 'log_softmax', 'softmax'},
        set(), ()),
}


def test_the_rules_read_from_the_course_table_are_the_hand_written_ones():
    now = {name: (r.replaces, set(r.attributes), set(r.torch_names), r.torch_modules)
           for name, r in audit.RULES.items()}
    assert now == RULES_BEFORE_THE_TABLE


def test_an_exercise_that_forbids_nothing_has_no_rule():
    from workbook.audit.rules import rule_for
    from workbook.course import table

    assert rule_for(table.exercise("accuracy")) is None
    assert "accuracy" not in audit.RULES and "fit" not in audit.RULES


def test_the_checker_modules_are_listed_without_importing_the_checks():
    import pkgutil

    import workbook.checks
    from workbook.audit.suspicious import CHECKER_MODULES

    assert {"integrity", "compare", "forbidden"} <= CHECKER_MODULES
    assert CHECKER_MODULES == {m.name for m in pkgutil.iter_modules(workbook.checks.__path__)}
