"""`workbook audit`: a static scan of the submissions for tampering, for a human to look at.

The grader already defends itself while it runs (the locked setup cell keeps private
references, every check verifies that torch and the checks are untouched, forbidden ops are
caught at the ATen dispatch level). This scan reads the code instead of running it, so it
also names what a clever submission might get past those defences, and says where: the
student, the assignment, the cell, the line and why the line is suspicious.

Scanned: every solution cell, and every code cell that a student added or edited (a cell
whose source is not in the release). Locked and test cells are skipped: nbgrader restores
them from the gradebook before it grades. The code is parsed with ``ast`` (IPython magics
and ``!shell`` lines are translated first) and names are resolved through the notebook's
imports, so ``F.softmax``, ``torch.nn.functional.softmax`` and ``from torch import softmax``
are the same call, while comments, docstrings and a variable that happens to be called ``C``
raise no alarm. Only the text of string constants (paths, environment variable names) is
matched with patterns.

Submitted files are untrusted (workbook/grading/intake.py): a hand-in that grading refuses
(a link, a FIFO, a file over the size limit) is flagged with the reason and not read, and
every notebook is opened as intake opens it, so the scan never follows a link or blocks.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

from workbook.authoring import notebooks
from workbook.course import folders
from workbook.grading import intake
from .notebook import scan_notebook


@dataclass(frozen=True)
class Finding:
    student: str
    assignment: str
    notebook: str
    cell: str  # the solution cell's grade_id, or "added cell 12" / "edited cell 12"
    line: int  # 1-based within the cell; 0 for the whole notebook
    code: str
    reason: str

    def format(self) -> str:
        where = f"{self.cell}, line {self.line}" if self.line else self.cell
        code = f": {self.code}" if self.code else ""
        return f"{self.student}  {self.assignment}  {where}{code}  <- {self.reason}"


def submitted_notebooks(root) -> list[tuple[str, str, Path]]:
    """(student, assignment, path) of every submitted notebook, sorted."""
    return [(h.student, h.assignment, path) for h in folders.submissions(root) for path in h.notebooks()]


def audit(root) -> tuple[list[Finding], int]:
    """Every finding in ``<root>/submitted``, and how many notebooks were scanned."""
    root = Path(root)
    if not (root / "submitted").is_dir():
        raise FileNotFoundError(f"{root.resolve()} has no submitted/ folder: nothing to audit")
    releases: dict[Path, object] = {}
    limit = intake.max_file_bytes(root)
    refused = intake.survey(root, limit)
    findings = [Finding(r.student, r.assignment, "", "submission", 0, "", r.reason) for r in refused]
    skipped = {(r.student, r.assignment) for r in refused}
    scanned = 0
    for student, assignment, path in submitted_notebooks(root):
        if (student, assignment) in skipped:
            continue
        scanned += 1
        release_path = root / "release" / assignment / path.name
        if release_path not in releases:
            releases[release_path] = _read(release_path) if release_path.exists() else None
        release_nb = releases[release_path]
        if isinstance(release_nb, Exception):
            release_nb = None
        nb = _read(path, limit)
        if isinstance(nb, Exception):  # not JSON, not a notebook: say so and go on
            error = nb
            detail = str(error).strip().splitlines()[0][:160] if str(error).strip() else type(error).__name__
            findings.append(Finding(student, assignment, path.name, "notebook", 0, "",
                                    f"unreadable: not a valid notebook ({detail})"))
            continue
        try:
            found = scan_notebook(nb, release_nb)
        except Exception as error:  # a notebook malformed in some other way: still one line, never a crash
            found = [("notebook", 0, "", f"could not be scanned: {type(error).__name__}: {error}"[:200])]
        for cell, line, code, reason in found:
            findings.append(Finding(student, assignment, path.name, cell, line, code, reason))
    return findings, scanned


def _read(path, limit: int | None = None):
    """The notebook, or the exception that reading it raised. nbformat's warnings about a
    notebook's form (missing cell ids, ...) are no finding and stay quiet. A submitted notebook
    (``limit`` given) is opened as intake.py opens it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return notebooks.read(path) if limit is None else intake.read_notebook(path, limit)
    except Exception as error:
        return error


def audit_main(root) -> int:
    """Print one line per finding; 1 when something was flagged, else 0."""
    findings, scanned = audit(root)
    flagged = sorted({(f.student, f.assignment) for f in findings})
    for finding in findings:
        print(finding.format())
    if findings:
        print(f"\naudit: {len(findings)} finding(s) in {len(flagged)} of {scanned} submitted notebook(s); "
              "look at these by hand (the scan reads code, it does not prove intent)")
        return 1
    print(f"audit: nothing suspicious in {scanned} submitted notebook(s)")
    return 0
