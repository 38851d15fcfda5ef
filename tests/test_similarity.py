"""`workbook similarity`: copies are found through renames, reordering, new comments and dead
code; independent solutions, the kept skeleton and the reference solution handed in verbatim
are not flagged; the page is self-contained, escapes student code and shows the matched lines.
No kernels: the submissions are release notebooks with answers written in by nbformat."""

import html
import re
import shutil

import nbformat
import pytest

from browser import run_chromium
from conftest import ROOT
from workbook import cli
from workbook.authoring import notebooks
from workbook.demo import corpus
from workbook.similarity import DEFAULT_THRESHOLD, similarity, similarity_main
from workbook.similarity import collect, compare, fingerprints, tokens

A = "01_cross_entropy"

# One student's own code for 01 (not the reference's way), and a copy of it with the helper
# renamed, every local name changed, the functions in another order, new comments, a
# changed docstring and dead code added.
OWN = '''
def _row_peak(t, axis):
    # the largest entry of each row, kept as a column
    peak, _where = torch.max(t, dim=axis, keepdim=True)
    return peak


def softmax(x, dim=-1):
    """My softmax."""
    z = x - _row_peak(x, dim)
    top = torch.exp(z)
    bottom = torch.sum(top, dim=dim, keepdim=True)
    return top / bottom
'''
COPY = '''
def softmax(inputs, dim=-1):
    """Softmax, stable: shift by the maximum first (see the lecture)."""
    unused_counter = 0
    shifted_values = inputs - _largest(inputs, dim)
    numerators = torch.exp(shifted_values)
    if False:
        print("debugging </pre><script>alert(1)</script>")
    denominators = torch.sum(numerators, dim=dim, keepdim=True)
    return numerators / denominators


# helper
def _largest(tensor, d):
    best, _idx = torch.max(tensor, dim=d, keepdim=True)
    return best
'''
OWN_LSE = '''
def logsumexp(x, dim=-1, keepdim=False):
    peak, _where = torch.max(x, dim=dim, keepdim=True)
    total = torch.log(torch.sum(torch.exp(x - peak), dim=dim, keepdim=True)) + peak
    if not keepdim:
        total = torch.squeeze(total, dim)
    return total
'''
COPY_LSE = '''
def logsumexp(values, dim=-1, keepdim=False):
    # the log of the sum of the exponentials
    m, _i = torch.max(values, dim=dim, keepdim=True)
    s = torch.log(torch.sum(torch.exp(values - m), dim=dim, keepdim=True)) + m

    if not keepdim:
        s = torch.squeeze(s, dim)
    return s
'''
OWN_NLL = '''
def nll(input, target):
    rows = torch.arange(len(target))
    picked = input[rows, target]
    return -(picked.sum() / len(target))
'''
COPY_NLL = '''
def nll(input, target):
    idx = torch.arange(len(target))  # every row
    chosen = input[idx, target]
    return -(chosen.sum() / len(target))
'''
# Independent correct solutions in styles of their own (the corpus's are mostly the reference's style)
STYLE_A = {
    "softmax": "def softmax(x, dim=-1):\n    e = (x - x.max(dim, keepdim=True).values).exp()\n    return e / e.sum(dim, keepdim=True)\n",
    "nll": "def nll(input, target):\n    return -input.gather(1, target[:, None]).squeeze(1).mean()\n",
    "accuracy": "def accuracy(out, yb):\n    return (torch.argmax(out, 1) == yb).to(torch.float32).mean()\n",
}
STYLE_B = {
    "softmax": ("import math\n\ndef softmax(x, dim=-1):\n    x = x.movedim(dim, -1)\n    m = x.amax(-1, keepdim=True)\n"
                "    p = torch.exp(x - m)\n    p = p / p.sum(-1, keepdim=True)\n    return p.movedim(-1, dim)\n"),
    "nll": ("def nll(input, target):\n    total = 0\n    for i in range(target.shape[0]):\n"
            "        total = total - input[i, target[i]]\n    return total / target.shape[0]\n"),
    "accuracy": "def accuracy(out, yb):\n    hits = out.argmax(-1).eq(yb)\n    return hits.sum() / hits.numel()\n",
}


def _course(tmp_path, students: dict[str, dict[str, str]], assignment=A):
    """A course folder with the repository's release and source notebooks and ``students``'
    hand-ins (exercise -> code; exercises not named keep the release's skeleton)."""
    for folder in ("release", "source"):
        (tmp_path / folder / assignment).mkdir(parents=True, exist_ok=True)
        shutil.copy(notebooks.notebook_path(ROOT, folder, assignment), tmp_path / folder / assignment)
    release = notebooks.read(notebooks.notebook_path(ROOT, "release", assignment))
    for student, answers in students.items():
        path = tmp_path / "submitted" / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebooks.make_submission(release, answers), str(path))
    return tmp_path


def _reference(assignment=A):
    return notebooks.reference_solutions(notebooks.read(notebooks.notebook_path(ROOT, "source", assignment)))


def _correct_corpus(assignment=A) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for answer in corpus.load(ROOT / "tests" / "corpus", assignment):
        if answer.verdict == "correct":
            found.setdefault(answer.exercise, []).append(answer.code)
    return found


def _class():
    """A class of 01: a copier and the student copied, two who kept the skeleton, two who
    handed in the reference verbatim, and seven whose correct answers are their own."""
    reference, correct = _reference(), _correct_corpus()
    students = {
        "orig": {"softmax": OWN, "logsumexp": OWN_LSE, "nll": OWN_NLL},
        "copier": {"softmax": COPY, "logsumexp": COPY_LSE, "nll": COPY_NLL},
        "blank1": {}, "blank2": {},
        "ref1": dict(reference), "ref2": dict(reference),
        "style_a": STYLE_A, "style_b": STYLE_B,
    }
    for i in range(5):  # the i-th correct corpus answer of every exercise
        students[f"corpus{i}"] = {e: codes[i % len(codes)] for e, codes in correct.items()}
    return students


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return _course(tmp_path_factory.mktemp("similarity"), _class())


@pytest.fixture(scope="module")
def result(course):
    return similarity(course)


def _score(result, a, b):
    pair = tuple(sorted((a, b)))
    return next((p.score for p in result.pairs[A] if p.students == pair), 0.0)


def test_the_copy_is_found_first_through_renames_reordering_comments_and_dead_code(result):
    flagged = result.flagged()
    assert flagged and flagged[0].students == ("copier", "orig")
    assert flagged[0].score >= DEFAULT_THRESHOLD
    assert set(flagged[0].scores) == {"softmax", "logsumexp", "nll"}


def test_nobody_else_is_flagged(result):
    """Independent correct answers, the kept skeleton and the verbatim reference stay below."""
    assert [p.students for p in result.flagged()] == [("copier", "orig")]
    others = [p.score for p in result.pairs[A] if p.students != ("copier", "orig")]
    assert max(others, default=0) < DEFAULT_THRESHOLD


def test_the_skeleton_and_the_reference_are_no_evidence(result):
    assert _score(result, "blank1", "blank2") == 0
    assert _score(result, "ref1", "ref2") == 0
    assert all(not c.prints for s in ("blank1", "ref1") for c in (result.cells[A][e][s] for e in result.cells[A]))


def test_a_copy_of_the_reference_is_flagged_when_the_discount_is_off(course, tmp_path):
    """The negative control of the discount: without release/ and source/, the verbatim
    reference pair shares all its fingerprints (so the zero above is the discount's doing)."""
    bare = tmp_path / "bare"
    shutil.copytree(course / "submitted", bare / "submitted")
    unshielded = similarity(bare, assignment=A)
    ref_pair = next(p for p in unshielded.pairs[A] if p.students == ("ref1", "ref2"))
    assert ref_pair.score >= DEFAULT_THRESHOLD
    assert any("not discounted" in line for line in unshielded.skipped)


def test_a_fingerprint_shared_by_many_weighs_little_then_nothing(tmp_path):
    """Shared by 2 it weighs 1, by 4 it weighs 1/2; by more than 5 students (and 10% of the
    class) it is a common variant and not counted at all."""
    def scores(holders):
        students = {f"s{i}": ({"softmax": OWN} if i < holders else {}) for i in range(20)}
        found = similarity(_course(tmp_path / str(holders), students))
        return {round(p.score, 6) for p in found.pairs[A]}

    (pair,) = scores(2)
    assert pair > 2
    assert scores(4) == {round(pair / 2, 6)}
    assert scores(6) == set()


def test_the_page_is_self_contained_escapes_code_and_marks_the_shared_lines(course, tmp_path):
    out = tmp_path / "page.html"
    assert similarity_main(course, out=out, log=lambda *_: None) == 1
    page = out.read_text()
    assert "<script" not in page.lower() and "src=" not in page and 'href="http' not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "asks for a look" in page
    # the copier's shifted line and the original's are both highlighted, side by side
    marked = [html.unescape(re.sub(r"<i>\d+</i>", "", m)) for m in re.findall(r'<span class="m">(.*?)</span>', page)]
    assert any("shifted_values = inputs - _largest(inputs, dim)" in m for m in marked)
    assert any("z = x - _row_peak(x, dim)" in m for m in marked)
    assert not any("raise NotImplementedError" in m for m in marked)


def test_the_command_prints_the_summary_and_exits_1_when_a_pair_asks_for_a_look(course, tmp_path, capsys):
    out = tmp_path / "cli.html"
    assert cli.main(["similarity", "--root", str(course), "--out", str(out), "--assignment", A]) == 1
    printed = capsys.readouterr().out
    assert re.search(r"^similarity: 13 student\(s\), 1 assignment\(s\); 1 pair\(s\) above the threshold", printed, re.M)
    assert re.search(r"^  01_cross_entropy  copier ~ orig  \d+\.\d", printed, re.M)
    assert f"similarity report: {out}" in printed and out.exists()
    assert cli.main(["similarity", "--root", str(course), "--out", str(tmp_path), "--threshold", "1000"]) == 0
    printed = capsys.readouterr().out
    assert "0 pair(s) above the threshold" in printed and "asks for a look" not in printed
    assert f"similarity report: {tmp_path / 'similarity.html'}" in printed  # --out a folder: the page goes in it
    assert "No pair above the threshold." in (tmp_path / "similarity.html").read_text()


def test_bad_options_and_folders_get_one_line(course, tmp_path, capsys):
    assert cli.main(["similarity", "--root", str(course), "--assignment", "99_nope"]) == 2
    assert "no assignment '99_nope'" in capsys.readouterr().err
    assert cli.main(["similarity", "--root", str(tmp_path / "empty")]) == 2
    assert "has no submitted/ folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["similarity", "--root", str(course), "--threshold", "-1"])
    assert "must be 0 or more" in capsys.readouterr().err


def test_links_fifos_and_broken_notebooks_are_skipped_with_a_reason(tmp_path):
    import os

    course = _course(tmp_path, {"orig": {"softmax": OWN, "logsumexp": OWN_LSE},
                                "copier": {"softmax": COPY, "logsumexp": COPY_LSE}})
    sub = course / "submitted"
    (sub / "linker" / A).mkdir(parents=True)
    os.symlink(sub / "orig" / A / f"{A}.ipynb", sub / "linker" / A / f"{A}.ipynb")
    (sub / "piper" / A).mkdir(parents=True)
    os.mkfifo(sub / "piper" / A / f"{A}.ipynb")  # opening it would block forever
    (sub / "broken" / A).mkdir(parents=True)
    (sub / "broken" / A / f"{A}.ipynb").write_text('{"cells": [ not json')
    (sub / "dirlink").mkdir()
    os.symlink(sub / "orig" / A, sub / "dirlink" / A)
    found = similarity(course)
    skipped = "\n".join(found.skipped)
    assert "linker/01_cross_entropy: refused" in skipped and "01_cross_entropy.ipynb is a symbolic link" in skipped
    assert "piper/01_cross_entropy: refused" in skipped and "is a FIFO (named pipe)" in skipped
    assert "dirlink/01_cross_entropy: a symbolic link, not followed" in skipped
    assert "broken/01_cross_entropy: not a valid notebook" in skipped
    assert found.students[A] == 2 and [p.students for p in found.flagged()] == [("copier", "orig")]


def test_normalisation_drops_what_a_copier_changes():
    one = "def f(a, b=2):\n    '''doc'''\n    # note\n    c = a.sum(dim=1) + 3.5  # why\n\n    return c * 'x'\n"
    two = 'def g(p, q=7):\n    d = p.sum(dim=0) + 1\n    return d * "yy"\n'
    words = [t.text for t in tokens.normalise(one)]
    assert words == "def V ( V , b = N ) : ; { V = V . sum ( dim = N ) + N ; return V * S ; }".split()
    two_words = [t.text for t in tokens.normalise(two)]
    assert two_words == [w if w != "b" else "q" for w in words]  # a parameter's default keeps its name
    # the API's names stay: a different call is different code
    assert two_words != [t.text for t in tokens.normalise(two.replace(".sum(", ".mean("))]


def test_functions_and_methods_in_another_order_have_the_same_fingerprints():
    code = ("class A:\n    def f(self):\n        return self.x + torch.ones(3).sum()\n\n"
            "    def g(self, y):\n        self.x = y * 2\n        return torch.zeros(y).mean()\n")
    swapped = ("class B:\n    def g(self, z):\n        self.w = z * 2\n        return torch.zeros(z).mean()\n\n"
               "    def f(self):\n        return self.w + torch.ones(3).sum()\n")
    ours = {f.hash for f in fingerprints.fingerprints(tokens.units(code))}
    assert ours and ours == {f.hash for f in fingerprints.fingerprints(tokens.units(swapped))}
    assert ours != {f.hash for f in fingerprints.fingerprints(tokens.units(swapped.replace("zeros", "ones")))}


def test_winnowing_keeps_a_fingerprint_in_every_window():
    hashes = [5, 3, 9, 3, 8, 1, 7, 7, 2, 6]
    picked = fingerprints.winnow(hashes, window=4)
    assert picked == [3, 5, 8]  # the rightmost minimum of each window, each position once
    assert all(any(start <= i < start + 4 for i in picked) for start in range(len(hashes) - 3))


def test_a_cell_that_does_not_parse_is_still_compared():
    broken = "def softmax(x, dim=-1)\n    e = torch.exp(x - x.amax(dim, keepdim=True))\n    return e / e.sum(dim)\n"
    assert len(fingerprints.fingerprints(tokens.units(broken))) >= 3
    assert compare.cell(broken, set()).prints


def test_chromium_parses_no_script_and_shows_the_highlight(course, tmp_path):
    import numpy as np
    from PIL import Image

    out = tmp_path / "similarity.html"
    similarity_main(course, out=out, log=lambda *_: None)
    dom = run_chromium(["--dump-dom", out.as_uri()], tmp_path / "profile")
    assert "copier ~ orig" in html.unescape(dom.stdout), dom.stderr[-2000:]
    assert "<script" not in dom.stdout  # the student's </pre><script> stayed text
    shot = tmp_path / "shot.png"
    run_chromium([f"--screenshot={shot}", "--window-size=1200,1400", out.as_uri()], tmp_path / "profile")
    assert shot.exists()
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16)
    highlight = (np.abs(pixels - np.array([0xFF, 0xE7, 0xA3])) < 6).all(axis=-1).sum()
    assert highlight > 2000, "the shared lines are not highlighted on screen"
