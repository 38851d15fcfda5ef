"""The failure message format (workbook/course/failures.py) and the checks that build it.

A failed check's message is what students read and what the report parses back: the parts a
check builds must survive the round trip, and an error in student code must come back with the
student's own line and the hint.
"""

import pytest
import torch

import workbook.checks as C
from workbook.checks import training
from workbook.course.failures import Failure, parse


# -- the format on its own ---------------------------------------------------------------------

@pytest.mark.parametrize("failure", [
    Failure("softmax", "max abs difference 0.5", "values, dim=1", inputs="float32 (3, 5) on cpu",
            code="in softmax: return x.exp() / x.exp().sum()", hint="divide by the sum along the same dim"),
    Failure("nll", "shape (3,), expected ()", "values"),
    Failure("SGD", "parameter 0.weight is a new object", "after training", hint="change it in place"),
    Failure("fit_sgd", "returned None", inputs="model ..., lr=0.3"),
    Failure("accuracy", "expected 0.75, got 75"),
], ids=["all parts", "no extra lines", "hint only", "inputs, no what", "problem only"])
def test_render_then_parse_gives_the_same_parts(failure):
    assert parse(failure.render(), failure.exercise) == failure


def test_render_writes_the_documented_lines():
    text = Failure("softmax", "max abs difference 0.5", "values", inputs="float32 (3, 5) on cpu",
                   code="in softmax: return x", hint="subtract the maximum").render()
    assert text.splitlines() == ["softmax: values: max abs difference 0.5", "  input: float32 (3, 5) on cpu",
                                 "  in your code, in softmax: return x", "  hint: subtract the maximum"]


def test_a_separator_inside_what_is_written_as_a_comma_so_the_split_stays_exact():
    failure = Failure("softmax", "wrong", "values: dim=1")
    assert failure.render() == "softmax: values, dim=1: wrong"
    assert parse(failure.render(), "softmax") == Failure("softmax", "wrong", "values, dim=1")


def test_a_message_of_another_exercise_or_a_plain_error_is_kept_whole():
    assert parse("integrity: the notebook replaced torch.allclose", "softmax") == Failure(
        "softmax", "integrity: the notebook replaced torch.allclose")
    assert parse("boom") == Failure("", "boom")


# -- real failures of the checks read back -----------------------------------------------------

def own_softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)


WRONG_SOFTMAX = {
    "values": lambda x: own_softmax(x, 1) + 0.01,
    "shape": lambda x: own_softmax(x, 1).sum(1),
    "dtype": lambda x: own_softmax(x, 1).double(),
    "overflow": lambda x: x.exp() / x.exp().sum(1, keepdim=True),
    "not a tensor": lambda x: own_softmax(x, 1).tolist(),
}


@pytest.mark.parametrize("kind", WRONG_SOFTMAX)
def test_assert_close_raises_the_parts_its_message_renders(kind):
    x = C.randn(3, 5) * 1000
    with pytest.raises(C.CheckFailure) as caught:
        C.assert_close(WRONG_SOFTMAX[kind](x), torch.softmax(x, 1), name="softmax", what="values, dim=1",
                       inputs=C.describe_inputs(x), hint="the test's hint")
    failure = caught.value.failure
    assert isinstance(failure, Failure)
    assert (failure.exercise, failure.what, failure.inputs) == ("softmax", "values, dim=1", "float32 (3, 5) on cpu")
    assert failure.problem and failure.hint
    assert str(caught.value) == failure.render()
    assert parse(str(caught.value), "softmax") == failure


def test_assert_close_passes_equal_tensors():
    x = C.randn(3, 5)
    C.assert_close(own_softmax(x, 1), torch.softmax(x, 1), name="softmax", what="values")


def wrong_answers():
    """(exercise, student code, the check that fails it, words its message must hold)."""
    x = C.randn(3, 5)

    def compare(ex, fn, **kw):
        ex.compare(fn, torch.softmax, x, dim=1, **kw)

    def in_place(x, dim=-1):
        x -= 1
        return own_softmax(x, dim)

    yield "softmax", lambda ex: compare(ex, lambda x, dim=-1: torch.softmax(x, dim)), "asks you to replace"
    yield "softmax", lambda ex: compare(ex, in_place), "changes its input in place"
    yield "softmax", lambda ex: compare(ex, lambda x, dim=-1: own_softmax(x, dim).detach(), grad=True), \
        "not connected to the input's gradient"
    yield "softmax", lambda ex: ex.call(42), "expected a function or class"
    yield "softmax", lambda ex: ex.check(False, "broke", what="rows", hint="fix it"), "broke"


@pytest.mark.parametrize("case", range(5))
def test_every_check_of_an_exercise_raises_parts_that_read_back(case):
    name, run, words = list(wrong_answers())[case]
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise(name) as ex:
            run(ex)
    failure = caught.value.failure
    assert words in failure.problem and failure.hint, failure
    assert parse(str(caught.value), name) == failure


def test_training_checks_build_parts_with_inputs_and_hint():
    def never_updates(model, loss_func, x, y, lr, bs, epochs):
        return [loss_func(model(x[i:i + bs]), y[i:i + bs]).item() for _ in range(epochs) for i in range(0, len(x), bs)]

    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("fit_sgd", namespace={}) as ex:
            training.check_fit(ex, never_updates, n=10, bs=4, epochs=2, lr=0.3)
    failure = caught.value.failure
    assert failure.exercise == "fit_sgd" and "bs=4" in failure.inputs
    assert "parameters never changed" in failure.hint
    assert parse(str(caught.value), "fit_sgd") == failure


def test_a_training_check_passes_a_right_answer():
    def fit_sgd(model, loss_func, x, y, lr, bs, epochs):
        losses = []
        for _ in range(epochs):
            for i in range(0, len(x), bs):
                loss = loss_func(model(x[i:i + bs]), y[i:i + bs])
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= lr * p.grad
                        p.grad = None
                losses.append(loss.item())
        return losses

    with C.exercise("fit_sgd", namespace={}) as ex:
        training.check_fit(ex, fit_sgd, n=10, bs=4, epochs=2, lr=0.3)


# -- CheckFailure carries its parts ------------------------------------------------------------

def test_check_failure_keeps_its_parts_and_renders_them():
    failure = Failure("nll", "off by one", "values", hint="index with target")
    error = C.CheckFailure(failure)
    assert error.failure is failure and str(error) == failure.render()
    assert error._render_traceback_()[0] == "CheckFailure: nll: values: off by one"


def test_a_whole_message_string_is_kept_as_written():
    error = C.CheckFailure("nll: values: off by one\n  hint: index with target")
    assert str(error) == "nll: values: off by one\n  hint: index with target"
    assert error.failure.hint == "index with target"


def test_ex_fail_raises_this_exercises_parts():
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("nll") as ex:
            ex.fail("values", "off by one", inputs="float32 (4, 3) on cpu", hint="index with target")
    assert caught.value.failure == Failure("nll", "off by one", "values", inputs="float32 (4, 3) on cpu",
                                           hint="index with target")


# -- explain and hinted: the student's line and the hint ---------------------------------------

def student_softmax(x, dim=-1):
    total = x.exp().sum(dim)
    return x.exp() / total.no_such_method()  # the student's mistake


def test_explain_names_the_error_the_students_line_and_the_hint():
    with C.exercise("softmax") as ex:
        try:
            student_softmax(C.randn(2, 3))
        except AttributeError as error:
            failure = ex.explain(error, what="values", hint="look at total").failure
    assert failure.what == "values" and failure.problem.startswith("your code raised AttributeError")
    assert failure.code == "in student_softmax: return x.exp() / total.no_such_method()  # the student's mistake"
    assert failure.hint == "look at total"


def test_hinted_turns_an_error_of_student_code_into_that_failure():
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            with ex.hinted("values on a (2, 3) input", "look at total"):
                student_softmax(C.randn(2, 3))
    failure = caught.value.failure
    assert failure.what == "values on a (2, 3) input" and failure.hint == "look at total"
    assert "total.no_such_method()" in failure.code and "in student_softmax" in failure.code
    assert "hidden" not in str(caught.value)  # never a line of the test itself


def test_hinted_lets_check_failures_and_not_implemented_pass_unchanged():
    own = C.CheckFailure(Failure("softmax", "mine"))
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            with ex.hinted("values", "look at total"):
                raise own
    assert caught.value is own

    def not_done(x):
        raise NotImplementedError

    with pytest.raises(C.CheckFailure, match="not implemented yet"):
        with C.exercise("softmax") as ex:
            with ex.hinted("values", "look at total"):
                not_done(1)


def test_a_line_of_the_hidden_test_is_never_given_as_the_students():
    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("softmax") as ex:
            with ex.hinted("values", "look at total"):
                hidden_value = {}["hidden key"]  # noqa: F841  an error in the test's own code
    assert caught.value.failure.code == ""


def test_an_sgd_that_inherits_a_wrong_optimizer_gets_both_the_diagnosis_and_the_note():
    class Optimizer:
        def __init__(self, params, lr=0.5):
            self.params, self.lr = list(params), lr

        def step(self):
            with torch.no_grad():
                for p in self.params:
                    p += self.lr * p.grad  # the mistake: up the gradient

        def zero_grad(self):
            for p in self.params:
                p.grad = None

    class SGD(Optimizer):
        def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
            super().__init__(params, lr)

    with pytest.raises(C.CheckFailure) as caught:
        with C.exercise("SGD", namespace={}) as ex:
            training.check_steps(ex, SGD, lr=0.3, n=10, epochs=1)
    failure = caught.value.failure
    assert "move up the gradient" in failure.hint and "inherits from your Optimizer" in failure.hint
    assert failure.what == "parameter 0.weight after step 1 of 2"
    assert parse(str(caught.value), "SGD") == failure
