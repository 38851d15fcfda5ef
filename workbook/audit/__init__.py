"""The integrity audit: static rules that flag submitted cells for a person to read.

Runs on the instructor's machine. It only reads notebooks (never runs them), so it may import
``workbook.course`` and ``workbook.authoring.notebooks``, and never torch.

- ``rules``: what each exercise's cell may not use (from the course table);
- ``suspicious``: what no student cell should touch (the checker, the interpreter, the grader's files);
- ``names``: a cell's syntax tree and what its names stand for through the imports;
- ``scan``: the findings of one cell; ``notebook``: of one submitted notebook;
- ``run``: every submission, and the command.
"""

from .notebook import scan_notebook
from .rules import OP_ALIASES, RULES
from .run import audit, audit_main, submitted_notebooks
from .scan import scan_source

__all__ = ["RULES", "OP_ALIASES", "audit", "audit_main", "scan_notebook", "scan_source", "submitted_notebooks"]
