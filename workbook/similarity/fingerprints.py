"""Winnowing fingerprints of normalised tokens (Schleimer, Wilkerson and Aiken, SIGMOD 2003,
the method of MOSS).

Every run of ``K`` consecutive tokens of a unit (a *k-gram*) is hashed; of every ``WINDOW``
consecutive hashes the smallest is kept (the rightmost on a tie, selected once). Two cells that
share a run of at least ``K + WINDOW - 1`` normalised tokens are then guaranteed to share a
fingerprint, and a cell keeps about 2 / (WINDOW + 1) of its k-grams, so an index stays small.
Each fingerprint remembers the cell lines its k-gram covers, for the side-by-side view.
"""

import hashlib
from dataclasses import dataclass

from .tokens import Token

K = 8       # tokens per k-gram: `x.amax(dim=dim, keepdim=True)` is 11; shorter runs are common idioms
WINDOW = 4  # so any shared run of 11 normalised tokens is found


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    first_line: int  # the cell lines its k-gram covers
    last_line: int


def kgram_hashes(unit: list[Token], k: int = K) -> list[int]:
    """The 64-bit hash of every k-gram of one unit (none when it is shorter than ``k``)."""
    texts = [t.text for t in unit]
    return [int.from_bytes(hashlib.blake2b("\x1f".join(texts[i:i + k]).encode(), digest_size=8).digest(), "big")
            for i in range(len(texts) - k + 1)]


def winnow(hashes: list[int], window: int = WINDOW) -> list[int]:
    """The positions selected by robust winnowing: each window's minimum, rightmost on a tie,
    each position once. A unit with fewer hashes than a window keeps its minimum."""
    if not hashes:
        return []
    if len(hashes) <= window:
        low = min(hashes)
        return [max(i for i, h in enumerate(hashes) if h == low)]
    picked: list[int] = []
    for start in range(len(hashes) - window + 1):
        span = hashes[start:start + window]
        low = min(span)
        position = start + max(i for i, h in enumerate(span) if h == low)
        if not picked or picked[-1] != position:
            picked.append(position)
    return picked


def fingerprints(units: list[list[Token]], k: int = K, window: int = WINDOW) -> list[Fingerprint]:
    """The winnowed fingerprints of a cell's units, with the lines each covers."""
    found = []
    for unit in units:
        hashes = kgram_hashes(unit, k)
        for i in winnow(hashes, window):
            found.append(Fingerprint(hashes[i], unit[i].line, unit[i + k - 1].line))
    return found


def all_hashes(units: list[list[Token]], k: int = K) -> set[int]:
    """Every k-gram hash of a cell, winnowed or not: what discounting shared code needs, so that
    a student's fingerprint of the skeleton is recognised whichever k-gram winnowing kept."""
    return {h for unit in units for h in kgram_hashes(unit, k)}
