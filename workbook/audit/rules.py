"""What each exercise's cell may not use, read from the course table.

An exercise rebuilds some PyTorch code; calling that code instead is what the audit looks for in
the exercise's cell. The facts (ATen ops, Python functions, classes, modules) live in
``workbook.course.table``; here they become the Python names a cell would write.
"""

from dataclasses import dataclass

from workbook.course.table import ASSIGNMENT_TABLE, Exercise

# The Python names through which each ATen op of an exercise's ``forbidden_ops`` is reached:
# functions (torch.softmax, F.softmax, torch.special.softmax), tensor methods (x.softmax) and
# module classes (nn.Softmax). An op missing here falls back to its own name without leading
# underscores or the ``special_`` prefix.
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


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def rule_for(exercise: Exercise) -> Rule | None:
    """The exercise's rule; None when it forbids nothing."""
    attributes = frozenset().union(*map(names_for_op, exercise.forbidden_ops),
                                   {_last(f) for f in exercise.forbidden_functions})
    torch_names = frozenset(_last(c) for c in exercise.torch_classes)
    if not (attributes or torch_names or exercise.torch_modules):
        return None
    return Rule(exercise.replaces, attributes=attributes, torch_names=torch_names,
                torch_modules=tuple(exercise.torch_modules))


RULES: dict[str, Rule] = {e.name: rule for a in ASSIGNMENT_TABLE for e in a.exercises
                          if (rule := rule_for(e)) is not None}
