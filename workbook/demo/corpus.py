"""Read the corpus of student answers that the grader is tested with (``tests/corpus``).

Each file holds one answer for one exercise, under a header of ``# key: value`` lines::

    # exercise: softmax
    # verdict: wrong            (or: correct)
    # fails: test_softmax_stability   (wrong answers: exactly these test cells fail)
    # hint: subtract the maximum        (wrong answers: words the first failure message must carry)
    # why: exp overflows for large logits
    def softmax(x, dim=-1):
        ...

The files live in the repository's tests, never in this package: correct answers are
solutions and must not reach students.
"""

from dataclasses import dataclass
from pathlib import Path

VERDICTS = ("wrong", "correct")


@dataclass(frozen=True)
class Answer:
    path: Path
    assignment: str
    exercise: str
    verdict: str
    fails: tuple[str, ...]
    why: str
    code: str
    hint: str = ""  # what the student should read first; every wrong answer declares one

    @property
    def name(self) -> str:
        return f"{self.assignment}/{self.path.stem}"


def parse(path: Path, assignment: str) -> Answer:
    header: dict[str, str] = {}
    lines = path.read_text().splitlines()
    for line in lines:
        if not line.startswith("# ") or ":" not in line:
            break
        key, _, value = line[2:].partition(":")
        header[key.strip()] = value.strip()
    missing = {"exercise", "verdict", "why"} - set(header)
    if header.get("verdict") == "wrong" and not header.get("hint"):
        missing.add("hint")
    if missing:
        raise ValueError(f"{path}: header lacks {sorted(missing)}")
    if header["verdict"] not in VERDICTS:
        raise ValueError(f"{path}: verdict must be one of {VERDICTS}, not {header['verdict']!r}")
    fails = tuple(header.get("fails", "").split())
    return Answer(path, assignment, header["exercise"], header["verdict"], fails, header["why"],
                  "\n".join(lines) + "\n", header.get("hint", ""))


def load(corpus_dir, assignment: str) -> list[Answer]:
    """Every answer for ``assignment``, sorted by file name."""
    folder = Path(corpus_dir) / assignment
    return [parse(p, assignment) for p in sorted(folder.glob("*.py"))]
