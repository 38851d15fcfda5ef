"""What the released notebooks look like, so that ``workbook check`` can tell a student
which graded cells they deleted, edited or copied.

``workbook build`` writes ``course.json`` beside this module from the release notebooks; the
student wheel ships it. It holds only what the release notebooks already show: cell ids,
roles, points and a hash of each read-only cell's source.
"""

import hashlib
import json
from importlib import resources

from ..course.cell_repair import role
from ..course.table import exercise_of

MANIFEST = "course.json"


def source_hash(source: str) -> str:
    """A read-only cell's fingerprint; trailing spaces on a line don't count as an edit."""
    text = "\n".join(line.rstrip() for line in source.strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def describe_release(nb) -> dict:
    """One assignment's entry of the manifest, from its release notebook."""
    cells = {}
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if role(c) == "solution"]
    for cell in nb.cells:
        kind = role(cell)
        if kind is None:
            continue
        meta = cell.metadata["nbgrader"]
        entry = {"role": kind}
        if kind == "test":
            entry["points"] = meta.get("points", 0)
            entry["exercise"] = exercise_of(meta["grade_id"], exercises)
        if kind != "solution":
            entry["hash"] = source_hash(cell.source)
        cells[meta["grade_id"]] = entry
    return {"kernel": nb.metadata.get("kernelspec", {}).get("name", "python3"), "exercises": exercises,
            "cells": cells}


def write(path, release_notebooks: dict) -> None:
    """``course.json`` for ``{assignment: release notebook}``, stable for a diff."""
    data = {name: describe_release(nb) for name, nb in sorted(release_notebooks.items())}
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def load() -> dict:
    """The manifest shipped with this package ({} when none was built)."""
    resource = resources.files(__package__) / MANIFEST
    if not resource.is_file():
        return {}
    return json.loads(resource.read_text())
