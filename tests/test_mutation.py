"""Mutation testing of the hidden tests: every small edit of a reference solution must cost
points in its own exercise, and nowhere else.

The mutants come from tests/mutants.py (every edit of every solution cell, deduplicated).
Each is graded in-process, as tests/test_corpus.py grades the corpus. A mutant that still
gets full marks is either truly equivalent to the reference, and then listed with a
one-line reason in tests/mutation_equivalents.txt, or a blind spot of the hidden tests,
to be fixed there. The score (killed / non-equivalent) is printed.
"""

import contextlib
import functools
import io
import signal
import time

import pytest
import torch
from conftest import ROOT, SPEC_POINTS, WRITTEN, source_notebook

import inprocess
import mutants
from workbook.authoring import notebooks

EQUIVALENTS_FILE = ROOT / "tests" / "mutation_equivalents.txt"
TIMEOUT_S = 30  # a mutant that loops forever fails the cell it hangs in, as nbgrader's timeout does


class MutantTimeout(Exception):
    pass


def equivalents() -> dict[str, str]:
    """key -> reason, from lines ``<exercise>:<hash>  <reason>`` (``#`` starts a comment)."""
    out = {}
    for raw in EQUIVALENTS_FILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        assert reason.strip(), f"{EQUIVALENTS_FILE.name}: {key} has no reason"
        out[key] = reason.strip()
    return out


@functools.cache
def _source(assignment):
    return source_notebook(assignment)


def _grade(assignment, exercise, code):
    def alarm(*_):
        raise MutantTimeout(f"ran past {TIMEOUT_S} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return inprocess.grade(_source(assignment), {exercise: code})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def one_thread():
    """Tiny tensors: one thread is faster, and far faster when other processes share the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _all_mutants(assignment):
    cells = notebooks.solution_cells(_source(assignment))
    return [m for exercise, src in cells.items() for m in mutants.mutants(exercise, src)]


@pytest.mark.parametrize("assignment", WRITTEN)
def test_every_mutant_is_killed_in_its_own_exercise(assignment, one_thread):
    full = {e: float(p) for e, p in SPEC_POINTS[assignment].items()}
    reference = notebooks.reference_solutions(_source(assignment))
    listed = equivalents()
    survivors, leaks, killed, equivalent = [], [], 0, 0
    start = time.perf_counter()
    for m in _all_mutants(assignment):
        result = _grade(assignment, m.exercise, m.code)
        elsewhere = {e: p for e, p in result.points.items() if e != m.exercise and p != full[e]}
        if elsewhere:
            leaks.append(f"{m.key} ({m.kind}, line {m.line}: {m.what}) cost points in {sorted(elsewhere)}\n"
                         + m.diff(reference[m.exercise]))
        if result.points[m.exercise] < full[m.exercise]:
            killed += 1
            assert m.key not in listed, f"{m.key} is listed as equivalent but was killed: remove it"
        elif m.key in listed:
            equivalent += 1
        else:
            survivors.append(f"{m.key} ({m.kind}, line {m.line}: {m.what})\n" + m.diff(reference[m.exercise]))
    print(f"\n{assignment}: mutation score {killed}/{killed + len(survivors)} killed "
          f"({equivalent} listed as equivalent) in {time.perf_counter() - start:.0f} s")
    assert not leaks, "mutants that cost points in another exercise:\n" + "\n".join(leaks)
    assert not survivors, ("mutants that got full marks (fix the hidden tests, or list a truly equivalent "
                           f"one in {EQUIVALENTS_FILE.name} with a reason):\n" + "\n".join(survivors))


def test_mutants_cover_every_solution_and_kind():
    """The generator finds something to mutate in every exercise, and uses every kind of edit."""
    kinds = set()
    for assignment in WRITTEN:
        found = _all_mutants(assignment)
        kinds |= {m.kind for m in found}
        assert {m.exercise for m in found} == set(SPEC_POINTS[assignment]), assignment
    assert kinds == set(mutants.KINDS)


def test_equivalents_file_names_only_existing_mutants():
    keys = {m.key for assignment in WRITTEN for m in _all_mutants(assignment)}
    stale = sorted(set(equivalents()) - keys)
    assert not stale, f"{EQUIVALENTS_FILE.name} lists mutants that no longer exist: {stale}"
