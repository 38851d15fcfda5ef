"""The course table: every assignment and exercise, its graded cells and points, and what
PyTorch code it rebuilds. Every other module reads these facts from here.

Plain data, no torch: the instructor's tools (build, audit, report) read it without starting
PyTorch, and the student's checks read it inside the kernel. A test
(``tests/test_course_table.py``) proves that ``source/`` holds exactly these cells and points.
"""

from dataclasses import dataclass

COURSE_ID = "minibatch-training"
TOTAL_POINTS = 100

# ATen operators, by the function they implement. An alias (torch.softmax, F.softmax,
# x.softmax, nn.Softmax, torch.special.softmax) reaches one of these whichever name was used.
SOFTMAX_OPS = frozenset({"_softmax", "softmax", "special_softmax", "_sparse_softmax"})
LOG_SOFTMAX_OPS = frozenset({"_log_softmax", "log_softmax", "special_log_softmax", "_sparse_log_softmax"})
LOGSUMEXP_OPS = frozenset({"logsumexp", "special_logsumexp"})
NLL_OPS = frozenset({"nll_loss", "nll_loss_forward", "nll_loss2d", "nll_loss2d_forward",
                     "nll_loss_nd", "cross_entropy_loss"})

# How a student most likely reached each operator, for the message that names it.
OP_PYTHON_NAMES = {
    "_softmax": "torch.softmax", "softmax": "torch.softmax", "special_softmax": "torch.special.softmax",
    "_sparse_softmax": "torch.sparse.softmax", "_log_softmax": "torch.log_softmax",
    "log_softmax": "torch.log_softmax", "special_log_softmax": "torch.special.log_softmax",
    "_sparse_log_softmax": "torch.sparse.log_softmax", "logsumexp": "torch.logsumexp",
    "special_logsumexp": "torch.special.logsumexp", "nll_loss_forward": "F.nll_loss",
    "nll_loss": "F.nll_loss", "nll_loss2d": "F.nll_loss", "nll_loss2d_forward": "F.nll_loss",
    "nll_loss_nd": "F.nll_loss", "cross_entropy_loss": "F.cross_entropy",
}


@dataclass(frozen=True)
class Exercise:
    """One function or class a student writes, and how it is graded.

    ``tests``: the test cells' grade ids with their points, in notebook order.
    ``replaces``: the PyTorch code it rebuilds, as the messages name it.
    ``forbidden_ops``: ATen operators its code may not reach (caught at dispatch while it runs).
    ``forbidden_functions``: Python functions that reach those operators another way.
    ``torch_classes``: PyTorch classes the student's is compared with; handing one back is not
    the student's own work (the audit flags its use, the checks refuse an instance of it).
    ``torch_modules``: whole PyTorch modules its cell may not use (the audit flags them).
    """
    name: str
    assignment: str
    tests: tuple[tuple[str, int], ...]
    replaces: str
    forbidden_ops: frozenset[str] = frozenset()
    forbidden_functions: tuple[str, ...] = ()
    torch_classes: tuple[str, ...] = ()
    torch_modules: tuple[str, ...] = ()

    @property
    def points(self) -> int:
        return sum(points for _, points in self.tests)

    @property
    def grade_ids(self) -> tuple[str, ...]:
        return tuple(grade_id for grade_id, _ in self.tests)


@dataclass(frozen=True)
class Assignment:
    """One notebook: ``source/<name>/<name>.ipynb``, released as ``release/<name>/<name>.ipynb``."""
    name: str
    exercises: tuple[Exercise, ...]

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    @property
    def exercise_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.exercises)


_NLL_FUNCTIONS = ("torch.nn.functional.nll_loss", "torch.nn.functional.cross_entropy")


def _assignment(name: str, *exercises: tuple) -> Assignment:
    return Assignment(name, tuple(Exercise(ex_name, name, tests, **facts) for ex_name, tests, facts in exercises))


ASSIGNMENT_TABLE: tuple[Assignment, ...] = (
    _assignment(
        "01_cross_entropy",
        ("softmax", (("test_softmax_values", 2), ("test_softmax_stability", 2), ("test_softmax_grad_dtype_device", 1)),
         dict(replaces="torch.softmax", forbidden_ops=SOFTMAX_OPS | LOG_SOFTMAX_OPS)),
        ("logsumexp", (("test_logsumexp_values", 2), ("test_logsumexp_stability", 2),
                       ("test_logsumexp_grad_dtype_device", 1)),
         dict(replaces="torch.logsumexp", forbidden_ops=LOGSUMEXP_OPS | SOFTMAX_OPS | LOG_SOFTMAX_OPS)),
        ("log_softmax", (("test_log_softmax_values", 2), ("test_log_softmax_stability", 2),
                         ("test_log_softmax_grad_dtype_device", 1)),
         dict(replaces="torch.log_softmax", forbidden_ops=LOG_SOFTMAX_OPS)),
        ("nll", (("test_nll_values", 3), ("test_nll_grad", 2)),
         dict(replaces="F.nll_loss", forbidden_ops=NLL_OPS, forbidden_functions=_NLL_FUNCTIONS)),
        ("cross_entropy", (("test_cross_entropy_values", 3), ("test_cross_entropy_stability_grad", 3)),
         dict(replaces="F.cross_entropy / F.nll_loss", forbidden_ops=NLL_OPS, forbidden_functions=_NLL_FUNCTIONS)),
        ("accuracy", (("test_accuracy_values", 2), ("test_accuracy_ties_devices", 2)),
         dict(replaces="the accuracy metric")),
    ),
    _assignment(
        "02_training_loop",
        ("fit_sgd", (("test_fit_sgd_values", 3), ("test_fit_sgd_batches", 3), ("test_fit_sgd_state", 2)),
         dict(replaces="torch.optim", torch_modules=("torch.optim",))),
        ("Optimizer", (("test_Optimizer_steps", 3), ("test_Optimizer_generator_frozen", 2), ("test_Optimizer_grads", 2)),
         dict(replaces="torch.optim.SGD", torch_classes=("torch.optim.SGD",))),
        ("SGD", (("test_SGD_values", 3), ("test_SGD_state", 2)),
         dict(replaces="torch.optim.SGD", torch_classes=("torch.optim.SGD",))),
    ),
    _assignment(
        "03_modules",
        ("MLP", (("test_MLP_forward", 2), ("test_MLP_parameters", 2), ("test_MLP_to_eval", 1)),
         dict(replaces="a hand-written nn.Module")),
        ("MyModule", (("test_MyModule_registry", 3), ("test_MyModule_filtering", 2), ("test_MyModule_shared", 2),
                      ("test_MyModule_instances", 2), ("test_MyModule_call_repr", 1)),
         dict(replaces="nn.Module's registry of parameters and children")),
        ("SequentialModel", (("test_SequentialModel_forward", 2), ("test_SequentialModel_parameters", 2),
                             ("test_SequentialModel_to_eval", 1)),
         dict(replaces="nn.Sequential", torch_classes=("torch.nn.Sequential",))),
    ),
    _assignment(
        "04_data_loading",
        ("Dataset", (("test_Dataset_items", 2), ("test_Dataset_batches", 2)),
         dict(replaces="torch.utils.data.TensorDataset", torch_classes=("torch.utils.data.TensorDataset",))),
        ("Sampler", (("test_Sampler_sequential", 2), ("test_Sampler_shuffle", 3)),
         dict(replaces="torch.utils.data.SequentialSampler / RandomSampler",
              torch_classes=("torch.utils.data.SequentialSampler", "torch.utils.data.RandomSampler"))),
        ("BatchSampler", (("test_BatchSampler_values", 3), ("test_BatchSampler_drop_last_epochs", 2)),
         dict(replaces="torch.utils.data.BatchSampler", torch_classes=("torch.utils.data.BatchSampler",))),
        ("collate", (("test_collate_values", 2), ("test_collate_generator", 1)),
         dict(replaces="torch.utils.data.default_collate",
              torch_classes=("torch.utils.data.default_collate", "torch.utils.data.collate"))),
        ("DataLoader", (("test_DataLoader_values", 3), ("test_DataLoader_epochs", 2)),
         dict(replaces="torch.utils.data.DataLoader", torch_classes=("torch.utils.data.DataLoader",))),
        ("fit", (("test_fit_values", 3), ("test_fit_modes", 3)),
         dict(replaces="a training loop with validation")),
        ("get_dls", (("test_get_dls_loaders", 1), ("test_get_dls_kwargs", 1)),
         dict(replaces="the pair of DataLoaders fit trains and validates on")),
    ),
)

ASSIGNMENTS: tuple[str, ...] = tuple(a.name for a in ASSIGNMENT_TABLE)
"""The assignments, in the order they are released."""

EXERCISES: dict[str, tuple[str, ...]] = {a.name: a.exercise_names for a in ASSIGNMENT_TABLE}
"""Each assignment's exercises, in notebook order."""

_BY_NAME = {e.name: e for a in ASSIGNMENT_TABLE for e in a.exercises}
_BY_ASSIGNMENT = {a.name: a for a in ASSIGNMENT_TABLE}


def assignment(name: str) -> Assignment:
    try:
        return _BY_ASSIGNMENT[name]
    except KeyError:
        raise KeyError(f"no assignment {name!r} in the course; it has {', '.join(ASSIGNMENTS)}") from None


def exercise(name: str) -> Exercise | None:
    """The exercise called ``name`` (exercise names are unique across the course), or None."""
    return _BY_NAME.get(name)


def assignment_of(exercise_name: str) -> str | None:
    """The assignment whose notebook holds ``exercise_name``."""
    found = _BY_NAME.get(exercise_name)
    return found.assignment if found else None


def exercise_of(test_grade_id: str, exercises) -> str | None:
    """The exercise a test cell checks: the longest name in ``exercises`` with ``test_<name>``
    as prefix (the naming rule of every test cell), or None. Works on any notebook's exercise
    list, so it also reads a release notebook the table has never seen."""
    matches = [e for e in exercises if test_grade_id == f"test_{e}" or test_grade_id.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None
