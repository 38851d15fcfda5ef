"""PyTorch's versions of the exercises that other exercises may call.

While one exercise is tested, the other exercises' names in the notebook are bound to these
(one mistake costs points once): a wrong ``log_softmax`` must not fail ``cross_entropy``.
Grouped by assignment, since each notebook stands alone; which exercises an assignment has is
the course table's fact (``EXERCISES``, ``assignment_of``), re-exported here.
"""

import torch
import torch.nn.functional as F
import torch.utils.data as tud

from workbook.course.table import EXERCISES, assignment_of  # noqa: F401  (the course's facts)


def _softmax(x, dim=-1):
    return torch.softmax(x, dim)


def _logsumexp(x, dim=-1, keepdim=False):
    return torch.logsumexp(x, dim, keepdim)


def _log_softmax(x, dim=-1):
    return torch.log_softmax(x, dim)


def _nll(input, target):
    return F.nll_loss(input, target)


def _sampler(ds, shuffle=False):
    return tud.RandomSampler(ds) if shuffle else tud.SequentialSampler(ds)


def _batch_sampler(sampler, bs, drop_last=False):
    return tud.BatchSampler(sampler, bs, drop_last)


def _collate(b):
    return tuple(tud.default_collate(list(b)))


EQUIVALENTS: dict[str, dict[str, object]] = {
    "01_cross_entropy": {
        "softmax": _softmax,
        "logsumexp": _logsumexp,
        "log_softmax": _log_softmax,
        "nll": _nll,
    },
    "04_data_loading": {  # what get_dls and DataLoader may call; classes a test builds stay the student's
        "Sampler": _sampler,
        "BatchSampler": _batch_sampler,
        "collate": _collate,
    },
}


def bindings_for(exercise: str) -> dict[str, object]:
    """The PyTorch versions of the other exercises of ``exercise``'s notebook."""
    group = EQUIVALENTS.get(assignment_of(exercise), {})
    return {name: fn for name, fn in group.items() if name != exercise}
