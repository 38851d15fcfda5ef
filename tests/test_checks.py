"""The checking machinery itself: it catches what it must and nothing else."""

import sys
import warnings

import pytest
import torch
import torch.nn.functional as F

import workbook.checks as C


def run_in_namespace(code: str, **names):
    """Execute ``code`` as a test cell would: with its own globals."""
    namespace = {"C": C, "torch": torch, "F": F, **names}
    exec(compile(code, "<test cell>", "exec"), namespace)
    return namespace


def own_softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)


@pytest.mark.parametrize("alias", [
    lambda x, dim=-1: torch.softmax(x, dim),
    lambda x, dim=-1: F.softmax(x, dim=dim),
    lambda x, dim=-1: x.softmax(dim),
    lambda x, dim=-1: torch.special.softmax(x, dim),
    lambda x, dim=-1: torch.nn.Softmax(dim=dim)(x),
    lambda x, dim=-1: F.log_softmax(x, dim=dim).exp(),
], ids=["torch.softmax", "F.softmax", "Tensor.softmax", "special.softmax", "nn.Softmax", "log_softmax.exp"])
def test_every_alias_of_softmax_is_caught(alias):
    with pytest.raises(C.CheckFailure, match="which this exercise asks you to replace"):
        with C.exercise("softmax") as ex:
            ex.compare(alias, torch.softmax, C.randn(3, 4), dim=-1)


def test_a_call_hidden_in_try_except_is_still_caught():
    def sneaky(x, dim=-1):
        try:
            return F.softmax(x, dim=dim)
        except Exception:
            return own_softmax(x, dim)

    with pytest.raises(C.CheckFailure, match="aten::_softmax"):
        with C.exercise("softmax") as ex:
            ex.compare(sneaky, torch.softmax, C.randn(3, 4), dim=-1)


def test_own_implementation_passes_and_patching_functional_does_not_hide_a_call(monkeypatch):
    with C.exercise("softmax") as ex:
        ex.compare(own_softmax, torch.softmax, C.randn(3, 4), dim=-1, grad=True)
    monkeypatch.setattr(F, "softmax", lambda x, dim=-1, **kw: torch.softmax(x, dim))
    with pytest.raises(C.CheckFailure):  # dispatch-level detection, whatever the Python name
        with C.exercise("softmax", namespace={}) as ex:
            pass  # integrity check on entry: F.softmax was replaced


STUDENT_CELLS = """
def log_softmax(x, dim=-1):
    return x  # wrong on purpose

def cross_entropy(input, target):
    return nll(log_softmax(input, dim=-1), target)
"""


def test_other_exercises_are_bound_to_pytorch_and_restored():
    ns = run_in_namespace(STUDENT_CELLS)
    students_log_softmax = ns["log_softmax"]
    exec("""
with C.exercise("cross_entropy") as ex:
    ex.compare(cross_entropy, F.cross_entropy, C.randn(5, 3), C.randint(3, 5, seed=1), grad=True)
    inside = log_softmax
""", ns)
    assert ns["log_softmax"] is students_log_softmax  # the student's name comes back
    assert ns["inside"] is not students_log_softmax
    assert "nll" not in ns  # a name bound only for the test is removed again


def test_bound_pytorch_versions_are_exempt_from_detection_but_direct_calls_are_not():
    ns = run_in_namespace(STUDENT_CELLS)
    exec("""
with C.exercise("cross_entropy") as ex:
    ex.compare(cross_entropy, F.cross_entropy, C.randn(5, 3), C.randint(3, 5, seed=1))
""", ns)
    with pytest.raises(C.CheckFailure, match="which this exercise asks you to replace"):
        run_in_namespace("""
with C.exercise("cross_entropy") as ex:
    ex.compare(lambda i, t: F.nll_loss(F.log_softmax(i, -1), t), F.cross_entropy, C.randn(5, 3),
               C.randint(3, 5, seed=1))
""")


def test_failure_message_names_property_input_difference_and_hint():
    def off_by_a_bit(x, dim=-1):
        return own_softmax(x, dim) + 0.01

    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            ex.compare(off_by_a_bit, torch.softmax, C.randn(3, 5), dim=1, what="values, dim=1", hint="look here")
    message = str(caught.value)
    for part in ("softmax: values, dim=1", "float32 (3, 5) on cpu", "max abs difference 0.01", "at index",
                 "hint: look here"):
        assert part in message, message


@pytest.mark.parametrize("wrong, without_test_hint, test_hint_wins", [
    # a wrong shape that no experiment explains: the test's hint, else no hint at all (no guess)
    (lambda x, dim=-1: own_softmax(x, dim).sum(dim), None, True),
    # an overflow the experiments prove (wrong in float32, right in float64): the diagnosis wins
    (lambda x, dim=-1: x.exp() / x.exp().sum(dim, keepdim=True), "exp overflows float32", False),
    # facts keep their own advice
    (lambda x, dim=-1: own_softmax(x, dim).double(), "don't hard-code a dtype", False),
    (lambda x, dim=-1: own_softmax(x, dim).tolist(), "return a torch.Tensor", False),
])
def test_a_diagnosis_or_the_tests_hint_never_a_guess(wrong, without_test_hint, test_hint_wins):
    """A cause found by experiment (or a fact: type, dtype) names itself; otherwise the test cell's
    hint, which knows what its case probes; otherwise no hint: the message says what differs."""
    for hint in ("the test's own advice", None):
        with pytest.raises(C.CheckFailure) as caught:
            with C.exercise("softmax") as ex:
                ex.compare(wrong, torch.softmax, C.randn(3, 5) * 1000, dim=1, hint=hint)
        message = str(caught.value)
        expected = "hint: the test's own advice" if hint and test_hint_wins else without_test_hint
        if expected is None:
            assert "hint:" not in message, message
        else:
            assert expected in message and message.count("hint:") == 1, message


@pytest.mark.parametrize("wrong, expected", [
    (lambda x, dim=-1: own_softmax(x, dim).double(), "dtype float64, expected float32"),
    (lambda x, dim=-1: own_softmax(x, dim).sum(dim), "shape (3,), expected (3, 5)"),
    (lambda x, dim=-1: own_softmax(x, dim).tolist(), "expected a tensor, got list"),
    (lambda x, dim=-1: x.exp() / x.exp().sum(dim, keepdim=True), "where PyTorch gives the finite value"),
])
def test_typical_problems_are_described(wrong, expected):
    with pytest.raises(C.CheckFailure, match=expected.replace("(", r"\(").replace(")", r"\)")):
        with C.exercise("softmax") as ex:
            ex.compare(wrong, torch.softmax, C.randn(3, 5) * 1000, dim=1)


def test_in_place_modification_of_the_input_is_reported():
    def in_place(x, dim=-1):
        x -= x.amax(dim=dim, keepdim=True)
        return own_softmax(x, dim)

    with pytest.raises(C.CheckFailure, match="changes its input in place"):
        with C.exercise("softmax") as ex:
            ex.compare(in_place, torch.softmax, C.randn(3, 5), dim=1)


def test_a_graph_cut_by_item_is_reported():
    def through_item(input, target):
        return torch.tensor((-input[torch.arange(len(target)), target].mean()).item(), dtype=input.dtype)

    with pytest.raises(C.CheckFailure, match="not connected to the input's gradient"):
        with C.exercise("nll") as ex:
            ex.compare(through_item, F.nll_loss, C.randn(4, 3, dtype=torch.float64), C.randint(3, 4), grad=True)


def test_errors_in_student_code_become_short_messages_without_test_source():
    def broken(x, dim=-1):
        return x.no_such_method()

    def not_done(x, dim=-1):
        raise NotImplementedError()

    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            secret_hidden_value = 42  # noqa: F841
            ex.call(broken, C.randn(2, 2))
    text = "\n".join(caught.value._render_traceback_())
    assert "AttributeError" in text and "x.no_such_method()" in text
    assert "secret_hidden_value" not in text
    with pytest.raises(C.CheckFailure, match="not implemented yet"):
        with C.exercise("softmax") as ex:
            ex.call(not_done, C.randn(2, 2))
    with pytest.raises(C.CheckFailure, match="sys.exit"):
        with C.exercise("softmax") as ex:
            ex.call(lambda: sys.exit(3))


def test_warnings_and_stderr_from_student_code_do_not_reach_stderr(capsys):
    def noisy(x, dim=-1):
        warnings.warn("benign", UserWarning)
        print("debug line", file=sys.stderr)
        return own_softmax(x, dim)

    with C.exercise("softmax") as ex:
        ex.compare(noisy, torch.softmax, C.randn(2, 3), dim=1)
    out, err = capsys.readouterr()
    assert err == ""
    assert "debug line" in out  # the student's own debugging output stays visible


def test_patching_torch_or_the_checks_is_noticed(monkeypatch):
    assert C.replaced_objects() == []
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    assert "torch.allclose" in C.replaced_objects()
    with pytest.raises(C.CheckFailure, match="integrity"):
        C.verify_integrity()
    monkeypatch.undo()
    monkeypatch.setattr(C.compare, "assert_close", lambda *a, **k: None)
    assert "workbook.checks.compare.assert_close" in C.replaced_objects()


def test_patch_made_during_a_call_fails_that_exercise(monkeypatch):
    def cheat(x, dim=-1):
        torch.allclose = lambda *a, **k: True
        return x

    original = torch.allclose
    try:
        with pytest.raises(C.CheckFailure, match="integrity"):
            with C.exercise("softmax") as ex:
                ex.call(cheat, C.randn(2, 2))
    finally:
        torch.allclose = original


def test_inputs_are_seeded_and_leave_the_global_rng_alone():
    state = torch.random.get_rng_state()
    assert torch.equal(C.randn(3, 4, seed=7), C.randn(3, 4, seed=7))
    assert not torch.equal(C.randn(3, 4, seed=7), C.randn(3, 4, seed=8))
    assert torch.equal(torch.random.get_rng_state(), state)
    assert C.randint(10, 5, seed=1).dtype == torch.int64


def test_devices_start_with_the_cpu_and_grading_follows_nbgrader(monkeypatch):
    assert C.DEVICES[0] == torch.device("cpu")
    assert (torch.device("cuda") in C.DEVICES) == torch.cuda.is_available()
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not C.grading()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert C.grading()


def test_tolerance_scale_distinguishes_rounding_from_mistakes():
    x = C.randn(4, 6, dtype=torch.float64)
    with C.exercise("softmax") as ex:  # float64 rounding noise passes
        ex.assert_close(torch.softmax(x, 1) * (1 + 1e-12), torch.softmax(x, 1), "noise")
    with pytest.raises(C.CheckFailure):
        with C.exercise("softmax") as ex:  # a real error of 1e-4 does not
            ex.assert_close(torch.softmax(x, 1) + 1e-4, torch.softmax(x, 1), "error")


@pytest.mark.parametrize("student, expected", [
    (lambda x, dim=-1: x - x.max(dim, keepdim=True), "hint: x.max(dim) and x.min(dim) return a (values, indices)"),
    (lambda x, dim=-1: (lambda e: e.div_(e.sum(dim, keepdim=True)))(x.exp()), "hint: an in-place operation"),
    (lambda x, dim=-1: x.view(7), None),  # an error whose cause PyTorch's message does not pin down
])
def test_errors_with_a_certain_cause_get_their_hint(student, expected):
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            ex.compare(student, torch.softmax, C.randn(3, 5, dtype=torch.float64), dim=1, grad=True)
    message = str(caught.value)
    assert "your code raised" in message
    assert (expected in message) if expected else ("hint:" not in message), message
