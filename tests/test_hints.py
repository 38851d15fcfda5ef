"""The hint registry (workbook/checks/hints.py), its table, and the diagnosis that chooses hints.

tests/test_corpus.py checks that every wrong answer's first failure carries the hint class its
``# hint-class:`` header names; here: every registered hint is some answer's label (so every
hint is triggered by a corpus answer's first failure), the table in docs/hints.md is the
registry's, and the experiments of workbook/checks/diagnose.py name a cause only when they
prove it.
"""

import pytest
import torch
from conftest import ROOT, WRITTEN
from test_corpus import hint_class_label

import workbook.checks as C
from workbook.checks import diagnose, hints
from workbook.demo import corpus

ANSWERS = [a for assignment in WRITTEN for a in corpus.load(ROOT / "tests" / "corpus", assignment)]
# A wrong device needs a second device; on a CPU-only machine no corpus answer can reach it, so
# test_wrong_device_is_a_fact triggers it with a tensor on PyTorch's "meta" device instead.
NEEDS_A_SECOND_DEVICE = {"wrong-device"}


def test_every_hint_is_some_wrong_answers_label():
    labels = {hint_class_label(a) for a in ANSWERS if a.verdict == "wrong"}
    unlabelled = sorted(set(hints.HINTS) - labels - NEEDS_A_SECOND_DEVICE)
    assert not unlabelled, f"no corpus answer's first failure carries these hints: {unlabelled}"


def test_labels_name_registered_hints_and_only_wrong_answers_have_them():
    for answer in ANSWERS:
        label = hint_class_label(answer)
        if answer.verdict == "correct":
            assert label is None, f"{answer.name}: a correct answer has no hint class"
        else:
            assert label in (None, "none", *hints.HINTS), f"{answer.name}: unknown hint class {label!r}"


def test_the_table_is_the_registry():
    assert (ROOT / "docs" / "hints.md").read_text() == hints.table(), (
        "docs/hints.md differs from workbook/checks/hints.py: regenerate it (see its first lines)")


def test_classify_reads_back_every_hint_and_nothing_else():
    filled = {"value": "nan", "dtype": "float32", "limit": "88.7", "other": 1, "dim": 0, "got": "(4, 4)",
              "want": "-3786.18", "signature": "f(x, dim=-1)", "default": "reduces", "updated": 1, "total": 4}
    for hint_id in hints.HINTS:
        assert hints.classify(hints.text(hint_id, **filled)) == hint_id
    assert hints.classify("some advice written where it is raised") is None
    assert hints.classify("") is None


def test_wrong_device_is_a_fact():
    with pytest.raises(C.CheckFailure) as caught:
        C.assert_close(torch.zeros(3, device="meta"), torch.zeros(3), name="softmax", what="values")
    assert hints.classify(caught.value.failure.hint) == "wrong-device"


def _diagnose(fn, reference, x, **kwargs):
    actual, expected = fn(x, **kwargs), reference(x, **kwargs)
    return diagnose.mismatch(lambda *a, **k: fn(*a, **k), reference, (x,), kwargs, actual, expected)


def _stable_log_softmax(x, dim=-1):
    s = x - x.amax(dim=dim, keepdim=True)
    return s - s.exp().sum(dim=dim, keepdim=True).log()


@pytest.mark.parametrize("fn, inp, kwargs, expected", [
    # overflow: wrong in float32, right in float64 on x + 100
    (lambda x, dim=-1: x - x.exp().sum(dim, keepdim=True).log(), lambda x: x + 100, {"dim": -1}, "exp-overflow"),
    # the log of an underflowed probability: -inf, also after shifting each row to maximum 0
    (lambda x, dim=-1: torch.softmax(x, dim).log(), lambda x: x * 1000, {"dim": -1}, "log-underflow"),
    # one maximum for the whole tensor: right once each row is shifted, wrong as given
    (lambda x, dim=-1: (x - x.max()) - (x - x.max()).exp().sum(dim, keepdim=True).log(), lambda x: x * 1000,
     {"dim": -1}, "global-max"),
    # a floor where the probability underflows
    (lambda x, dim=-1: (torch.softmax(x, dim) + 1e-10).log(), lambda x: x * 1000, {"dim": -1}, "log-floor"),
    # a hard-coded dimension, stable otherwise
    (lambda x, dim=-1: _stable_log_softmax(x, 1), lambda x: x * 1000, {"dim": 0}, "ignores-dim"),
])
def test_each_experiment_names_the_cause_it_proves(fn, inp, kwargs, expected):
    x = inp(C.randn(5, 8, seed=81))
    assert hints.classify(_diagnose(fn, torch.log_softmax, x, **kwargs)) == expected


@pytest.mark.parametrize("fn", [
    lambda x, dim=-1: _stable_log_softmax(x, dim) + 0.5,       # off by a constant: no experiment explains it
    lambda x, dim=-1: _stable_log_softmax(x, dim) * 1.01,
    lambda x, dim=-1: _stable_log_softmax(x, dim).flip(dim),
])
def test_no_experiment_no_guess(fn):
    for x in (C.randn(5, 8, seed=1), C.randn(5, 8, seed=1) * 1000):
        assert _diagnose(fn, torch.log_softmax, x, dim=-1) is None


def test_a_diagnosis_that_raises_gives_no_hint_and_keeps_the_failure():
    calls = []

    def flaky(x, dim=-1):  # right-shaped but wrong, and raising when called again
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("only once")
        return torch.full_like(x, float("nan"))

    x = C.randn(4, 6, seed=2) * 1000
    assert diagnose.mismatch(flaky, torch.log_softmax, (x,), {"dim": -1}, flaky(x), torch.log_softmax(x, -1)) is None


def test_an_error_names_the_call_it_came_from():
    def raises_on_dim0(x, dim=-1, keepdim=False):
        m = x.max(dim=dim).values.unsqueeze(1)
        return (m + (x - m).exp().sum(dim=dim, keepdim=True).log()).squeeze(dim)

    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("logsumexp") as ex:
            ex.compare(raises_on_dim0, torch.logsumexp, C.randn(3, 5), dim=0, keepdim=False, what="values, dim=0")
    failure = caught.value.failure
    assert failure.what == "values, dim=0" and failure.problem.startswith("your code raised RuntimeError")
    assert failure.inputs == "float32 (3, 5) on cpu, dim=0, keepdim=False"
    assert "in raises_on_dim0" in failure.code
