"""Notice a notebook that patches torch or the checks themselves.

The locked setup cell imports this package before any student code runs, so the objects
recorded here are the originals. Every exercise check, and the notebook's last cell, asks
whether any of them was replaced since.
"""

import builtins
import sys

import torch
import torch.nn.functional as F
import torch.testing

from .failures import CheckFailure, Failure

_WATCHED = {
    "torch": (torch, ["allclose", "isclose", "equal", "all", "any", "isfinite", "isnan", "where",
                      "abs", "softmax", "log_softmax", "logsumexp", "randperm", "is_grad_enabled",
                      "tensor", "stack", "unravel_index", "zeros_like"]),
    "torch.testing": (torch.testing, ["assert_close"]),
    "torch.Tensor": (torch.Tensor, ["allclose", "isclose", "equal", "eq", "__eq__", "__ne__", "abs",
                                    "max", "item", "tolist", "to", "double", "clone", "detach",
                                    "backward", "all", "any", "__sub__", "__bool__", "__len__",
                                    "__getitem__"]),
    "torch.nn.functional": (F, ["softmax", "log_softmax", "nll_loss", "cross_entropy"]),
    "torch.nn.Module": (torch.nn.Module, ["__call__", "train", "eval", "parameters", "to"]),
    "torch.optim": (torch.optim, ["SGD", "Optimizer"]),
    "torch.utils.data": (torch.utils.data, ["DataLoader", "TensorDataset"]),
    "builtins": (builtins, ["isinstance", "len", "abs", "all", "any", "sum", "max", "min", "float",
                            "int", "type", "getattr", "setattr", "hasattr", "range", "zip", "print"]),
}

_ORIGINALS = {(label, attr): getattr(owner, attr)
              for label, (owner, attrs) in _WATCHED.items() for attr in attrs}
_CHECK_MODULES: dict[str, dict[str, object]] = {}


def remember_checks():
    """Record the checks' own functions (called once, by the package's ``__init__``)."""
    for mod_name, module in list(sys.modules.items()):
        if mod_name == "workbook.checks" or mod_name.startswith("workbook.checks."):
            _CHECK_MODULES[mod_name] = {k: v for k, v in vars(module).items()
                                        if callable(v) and not k.startswith("__")}
            _CHECK_MODULES[mod_name]["<module>"] = module


def replaced_objects() -> list[str]:
    """Names of watched objects that no longer are what they were at import time."""
    replaced = [f"{label}.{attr}" for (label, attr), original in _ORIGINALS.items()
                if getattr(_WATCHED[label][0], attr, None) is not original]
    for mod_name, members in _CHECK_MODULES.items():
        module = members["<module>"]
        if sys.modules.get(mod_name) is not module:
            replaced.append(f"sys.modules[{mod_name!r}]")
            continue
        replaced += [f"{mod_name}.{k}" for k, v in members.items()
                     if k != "<module>" and getattr(module, k, None) is not v]
    return replaced


def verify_integrity():
    """Raise when torch or the checks were patched: no check can be trusted after that."""
    replaced = replaced_objects()
    if replaced:
        listed = ", ".join(replaced[:8]) + (" ..." if len(replaced) > 8 else "")
        raise CheckFailure(Failure(
            "integrity", f"the notebook replaced {listed}; checks cannot be trusted after that, so they fail",
            hint="restart the kernel and don't patch torch or the checks"))
