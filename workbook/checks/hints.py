"""The hints the checks give, each under a stable id: its text, what triggers it, a mistake.

A check raises a hint by id (``text("exp-overflow", ...)``), never by writing the words where
it fails, so that one hint has one wording, ``docs/hints.md`` lists them all (it is generated
from this table, and a test keeps the two equal), and the corpus labels each wrong answer with
the id its first failure must carry (``# hint-class:``). ``classify`` reads the id back from a
message's hint line.

Scope: the hints of ``compare``, ``exercise`` and ``diagnose`` (every exercise), of the 01
notebook's hidden tests and of ``fit_sgd``'s error diagnosis. The other hints of ``training``,
``modules`` and ``loading`` (02-04), and the two generic guesses ``compare.assert_close`` still
gives their direct calls (a wrong shape, a non-finite value), are written where they are raised.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    id: str
    text: str       # may hold {placeholders}, filled by ``text``
    trigger: str    # the behaviour of the student's code that makes a check give it
    example: str    # a mistake that triggers it


_HINTS = (
    # -- facts about the result (compare.assert_close) ---------------------------------------
    Hint("not-a-tensor", "return a torch.Tensor; .item(), float() or .tolist() turn it into Python numbers",
         "the result is not a tensor", "return loss.item()"),
    Hint("hard-coded-dtype", "don't hard-code a dtype: new tensors should follow the input's dtype",
         "the result's dtype differs from PyTorch's for the same input", "torch.zeros(n, dtype=torch.float32)"),
    Hint("wrong-device", "create new tensors on the input's device (device=x.device)",
         "the result is on another device than PyTorch's", "torch.zeros(n) for a CUDA input"),
    # -- shapes, diagnosed from the call's dim / keepdim (diagnose.shape) --------------------
    Hint("kept-reduced-dim", "the reduced dimension is still there with size 1: reduce with keepdim=False "
         "(the default) unless the call asks for keepdim=True",
         "the result's shape is the expected one with an extra dimension of size 1",
         "return m + (x - m).exp().sum(dim, keepdim=True).log()  # keepdim=False asked"),
    Hint("dropped-reduced-dim", "keepdim=True asks to keep the reduced dimension with size 1: pass keepdim on "
         "to the reduction", "the result lacks the size-1 dimension that keepdim=True keeps",
         "def logsumexp(x, dim=-1, keepdim=False): ... .sum(dim)  # keepdim never used"),
    Hint("squeezed", "the result lost a dimension of size 1 that it should keep: .squeeze() drops every "
         "size-1 dimension, not only the reduced one", "a size-1 dimension of the input is gone from the result",
         "lse.squeeze() on a (1, 10) input"),
    Hint("broadcast-reduced", "a tensor that kept the reduced dimension (keepdim=True) was combined with one "
         "that dropped it, and broadcasting made shape {got}: give both the same shape",
         "the result's shape is the broadcast of the keepdim=True and keepdim=False shapes",
         "m = x.amax(dim, keepdim=True); m + (x - m).exp().sum(dim).log()"),
    # -- dimensions, diagnosed by running the reference along the other dims -----------------
    Hint("ignores-dim", "your result is PyTorch's for dim={other}, not for dim={dim}: reduce along the `dim` "
         "argument, don't hard-code it",
         "the result equals the reference computed along another dimension than the one asked",
         "x - logsumexp(x, dim=-1, keepdim=True) whatever dim is"),
    # -- numerical stability, diagnosed by experiments (diagnose.values) ---------------------
    Hint("exp-overflow", "{value} here because exp overflows {dtype} above {limit} (on x + 100 your function is "
         "right in float64 but not in {dtype}): subtract the maximum along the reduced dimension before exp",
         "not finite on x + 100 in float32, right on the same input in float64",
         "x - x.exp().sum(dim, keepdim=True).log() (log_softmax without the max shift)"),
    Hint("global-max", "{value} here: subtract each slice's own maximum along `dim` (amax(dim, keepdim=True)), "
         "not one maximum of the whole tensor, or slices far below it underflow to 0",
         "right once each slice is shifted to maximum 0, wrong on the input as given, and exact on x + 100",
         "x - x.max() in softmax"),
    Hint("log-underflow", "{value} here: a probability rounds to 0 in {dtype} and log(0) = -inf: compute "
         "log-probabilities as x - logsumexp(x), never as the log of a softmax",
         "-inf where the exact log-probability is below the log of the dtype's smallest positive number, "
         "even after shifting each slice to maximum 0", "softmax(x, dim).log()"),
    Hint("log-floor", "where a probability rounds to 0, your result stops at {got} instead of {want}: "
         "log(p + eps) or a clamp hides the underflow; compute x - logsumexp(x)",
         "finite but too large exactly where the exact probability underflows to 0 in the dtype",
         "(softmax(x, dim) + 1e-10).log()"),
    # -- the function and its inputs (exercise) ----------------------------------------------
    Hint("changes-input", "compute on new tensors and leave the input as it was",
         "the input tensor differs after the call", "x -= x.amax(dim, keepdim=True)"),
    Hint("graph-cut", ".item(), float(), .detach(), .data, torch.tensor(...) and torch.no_grad() cut the "
         "autograd graph: keep every step a tensor operation, with autograd on",
         "the result does not require grad though the input does", "torch.tensor(loss.item())"),
    Hint("no-grad-to-input", "compute the result from the input with tensor operations, with autograd on",
         "backward reaches no gradient to the input", "x = x.clone().detach().requires_grad_(True)"),
    Hint("grad-partly-cut", "the values are right but their gradient is not: a part of the computation cut "
         "from autograd (.detach(), .data, torch.no_grad()) is missing from it",
         "values equal PyTorch's, gradients differ", "x - logsumexp(x).detach()"),
    Hint("forbidden-op", "implement it yourself from simpler operations",
         "the PyTorch operator the exercise rebuilds is dispatched", "F.softmax inside softmax"),
    Hint("not-callable", "define it with def (or class) under the name the exercise asks for",
         "the exercise's name holds no function", "softmax = None"),
    Hint("undefined-name", "run the cell that defines it first, and keep the names the exercise asks for",
         "NameError", "def soft_max(x, dim=-1): ..."),
    # -- errors whose cause PyTorch's own message makes certain (exercise.KNOWN_ERRORS) ------
    Hint("max-returns-pair", "x.max(dim) and x.min(dim) return a (values, indices) pair: use .values, or "
         "x.amax(dim) / x.amin(dim)", "TypeError naming torch.return_types.max", "x - x.max(dim, keepdim=True)"),
    Hint("inplace-autograd", "an in-place operation (exp_(), /=, ...) overwrote a value autograd saved for the "
         "backward pass: compute on new tensors (x.exp(), a / b)",
         "RuntimeError: modified by an inplace operation", "e = x.exp(); e /= e.sum(dim, keepdim=True)"),
    Hint("mean-of-bool", "mean() needs floating-point values: convert first, e.g. (a == b).float().mean()",
         "RuntimeError: could not infer output dtype", "(preds == y).mean()"),
    Hint("tensor-of-tensors", "torch.tensor(...) cannot build one tensor from a list of tensors: use torch.stack",
         "ValueError: only one element tensors can be converted", "torch.tensor([x for x, _ in batch])"),
    Hint("module-before-init", "call super().__init__() first in __init__, before assigning any layer",
         "AttributeError: cannot assign module before Module.__init__() call", "self.l1 = nn.Linear(...) before super().__init__()"),
    # -- what 01's hidden test cells probe ---------------------------------------------------
    Hint("softmax-keepdim", "normalise along `dim` and keep it (keepdim=True) so the division broadcasts",
         "softmax's values differ along `dim` on a square input", "e / e.sum(dim)"),
    Hint("default-dim", "keep the signature {signature}: by default it {default}",
         "the call without dim differs from PyTorch's default (dim=-1)", "def softmax(x, dim=1)"),
    Hint("nll-one-per-row", "average -input[n, target[n]] over the batch: one entry per row",
         "nll differs from F.nll_loss", "-input[:, target].mean()"),
    Hint("cross-entropy-route", "log-softmax over the classes (the last dim), then the mean negative "
         "log-likelihood", "cross_entropy's values differ", "nll(input, target) on the raw logits"),
    Hint("cross-entropy-log-softmax", "a probability that rounds to 0 has no usable log (log(0) is -inf, and a clamp "
         "or + eps only hides it): use log_softmax",
         "cross_entropy is wrong on logits x 1000 and no experiment names the cause",
         "nll((softmax(x) + 1e-12).log(), target)"),
    Hint("accuracy-argmax", "compare argmax over the classes (dim=1) with the targets, then average",
         "accuracy differs on random logits", "((out.sigmoid() > 0.5) ...).float().mean()"),
    Hint("accuracy-ties", "with ties, only the first largest logit counts (like argmax)",
         "accuracy differs only on rows with tied maxima", "(out == out.amax(1, keepdim=True))[range(n), y]"),
    # -- fit_sgd: which .grad is None, and when (training.run_fit) ---------------------------
    Hint("grad-none-before-backward", "before the first backward() every .grad is None: zero the gradients "
         "after each update, not before the first backward",
         "a .grad is None and no parameter has been updated yet", "p.grad.zero_() before loss.backward()"),
    Hint("zero-grad-in-param-loop", "after updating {updated} of the {total} parameters, the next one's .grad "
         "is None: model.zero_grad() (or opt.zero_grad()) sets every parameter's .grad to None, so call it "
         "once per batch, after the loop over the parameters",
         "a .grad is None after some parameters were updated in the same step",
         "model.zero_grad() inside `for p in model.parameters():`"),
)

HINTS: dict[str, Hint] = {h.id: h for h in _HINTS}
assert len(HINTS) == len(_HINTS), "two hints share an id"


def text(hint_id: str, **values) -> str:
    """The words of hint ``hint_id``, its placeholders filled with ``values``."""
    return HINTS[hint_id].text.format(**values)


def resolve(hint: "str | None") -> "str | None":
    """A hint given as an id becomes its text (an id's template without placeholders);
    anything else is a hint written where it is raised, kept as it is."""
    return HINTS[hint].text if hint in HINTS and "{" not in HINTS[hint].text else hint


def _pattern(template: str) -> "re.Pattern":
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


_PATTERNS = sorted(((h.id, _pattern(h.text)) for h in _HINTS), key=lambda p: -len(p[1].pattern))


def classify(hint_line: str) -> "str | None":
    """The id of the registered hint that ``hint_line`` (a failure's hint) starts with; None when
    it starts with none of them (no hint, or one written outside the registry)."""
    for hint_id, pattern in _PATTERNS:
        if pattern.match(hint_line or ""):
            return hint_id
    return None


def table() -> str:
    """``docs/hints.md``: every hint, what triggers it and an example mistake (Markdown)."""
    def cell(s: str) -> str:
        return s.replace("|", "\\|")

    rows = [f"| `{h.id}` | {cell(h.text)} | {cell(h.trigger)} | `{cell(h.example)}` |" for h in _HINTS]
    return "\n".join([
        "# The hints the checks give",
        "",
        "Generated from `workbook/checks/hints.py` (`python -c 'from workbook.checks.hints import table;",
        "print(table(), end=\"\")' > docs/hints.md`;",
        "`tests/test_hints.py` fails when this file and the registry differ). `{...}` is filled in",
        "with what the check measured. Each wrong answer in `tests/corpus/` names the hint its first",
        "failure must carry (`# hint-class:`), and every hint here is carried by one of them.",
        "",
        "| id | hint | triggered by | example of the mistake |",
        "|---|---|---|---|",
        *rows,
        "",
    ])
