"""The grader against a corpus of student answers, run in-process (fast).

Every wrong answer must lose points in its own exercise and nowhere else (and fail exactly
the test cells its header names), and its first failure message must carry the hint its
header declares, of the hint class its ``# hint-class:`` names (workbook/checks/hints.py; ``none``:
no hint); every correct-but-unusual answer must get full marks.
"""

import functools

import pytest
from conftest import ROOT, SPEC_POINTS, WRITTEN, release_notebook, source_notebook

import inprocess
from workbook.demo import corpus
from workbook.authoring import notebooks
from workbook.checks import hints

# The fewest wrong answers per exercise that the issues ask for.
MIN_WRONG = {"01_cross_entropy": 5, "02_training_loop": 6, "03_modules": 4, "04_data_loading": 4}
MIN_WRONG_EXERCISE = {"MyModule": 6}
ANSWERS = [a for assignment in WRITTEN for a in corpus.load(ROOT / "tests" / "corpus", assignment)]


@functools.cache
def _source(assignment):
    return source_notebook(assignment)


def _full_marks(assignment):
    return {e: float(p) for e, p in SPEC_POINTS[assignment].items()}


@pytest.mark.parametrize("assignment", WRITTEN)
def test_reference_solutions_get_full_marks(assignment):
    result = inprocess.grade(_source(assignment))
    assert result.messages == {}
    assert result.points == _full_marks(assignment)


@pytest.mark.parametrize("assignment", WRITTEN)
def test_blank_release_gets_zero_everywhere(assignment):
    blank = notebooks.solution_cells(release_notebook(assignment))
    result = inprocess.grade(_source(assignment), blank)
    assert result.points == {e: 0.0 for e in SPEC_POINTS[assignment]}
    assert all("not implemented yet" in m for m in result.messages.values()), result.messages


@pytest.mark.parametrize("assignment", WRITTEN)
def test_corpus_covers_every_exercise(assignment):
    answers = [a for a in ANSWERS if a.assignment == assignment]
    for exercise in SPEC_POINTS[assignment]:
        wrong = [a for a in answers if a.exercise == exercise and a.verdict == "wrong"]
        needed = MIN_WRONG_EXERCISE.get(exercise, MIN_WRONG[assignment])
        assert len(wrong) >= needed, f"{exercise}: only {len(wrong)} wrong answers in the corpus, {needed} needed"
    assert all(a.exercise in SPEC_POINTS[assignment] for a in answers)


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: a.name)
def test_answer_is_graded_as_labelled(answer):
    result = inprocess.grade(_source(answer.assignment), {answer.exercise: answer.code})
    full = _full_marks(answer.assignment)
    others = {e: p for e, p in result.points.items() if e != answer.exercise}
    assert others == {e: p for e, p in full.items() if e != answer.exercise}, (
        f"a mistake in {answer.exercise} cost points elsewhere: {result.messages}")
    if answer.verdict == "correct":
        assert result.points[answer.exercise] == full[answer.exercise], result.messages
        return
    failed = {gid for gid, ok in result.passed.items() if not ok}
    assert result.points[answer.exercise] < full[answer.exercise], "a wrong answer kept every point"
    if answer.fails:
        assert failed == set(answer.fails), result.messages
    for gid in failed:  # every failure explains itself by naming the exercise
        assert result.messages[gid].startswith(f"{answer.exercise}:"), result.messages[gid]
    first = next(gid for gid, ok in result.passed.items() if not ok)  # what the student reads first
    assert answer.hint in result.messages[first], f"the first failure lacks the hint {answer.hint!r}"
    label, got = hint_class_label(answer), hint_class(result.messages[first])
    if label is None:  # unlabelled: its first hint must be one written outside the registry
        assert got is None and "\n  hint: " in result.messages[first], (
            f"the first failure's hint is {got or 'missing'}: label it with '# hint-class:'\n{result.messages[first]}")
    else:
        assert got == (None if label == "none" else label), (
            f"the first failure's hint class is {got}, labelled {label}\n{result.messages[first]}")


def hint_class_label(answer):
    """The answer's ``# hint-class:`` header: a hint id of workbook/checks/hints.py, or ``none``
    (its first failure has no hint); None when it has no such header."""
    for line in answer.code.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        if key.strip() == "hint-class":
            return value.strip()
    return None


def hint_class(message: str):
    """The registered hint id a failure message's hint line carries; None without one."""
    line = next((l for l in message.splitlines() if l.startswith("  hint: ")), "")
    return hints.classify(line[len("  hint: "):]) if line else None


def test_a_wrong_answer_must_declare_its_hint(tmp_path):
    (tmp_path / "01_x").mkdir()
    answer = tmp_path / "01_x" / "softmax_no_max.py"
    body = "# why: overflows\ndef softmax(x, dim=-1):\n    return x.exp() / x.exp().sum(dim, keepdim=True)\n"
    answer.write_text("# exercise: softmax\n# verdict: wrong\n" + body)
    with pytest.raises(ValueError, match="hint"):
        corpus.load(tmp_path, "01_x")
    answer.write_text("# exercise: softmax\n# verdict: wrong\n# hint: subtract the maximum\n" + body)
    assert corpus.load(tmp_path, "01_x")[0].hint == "subtract the maximum"
