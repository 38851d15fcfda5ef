"""The integrity audit: static rules that flag submitted cells for a person to read.

Runs on the instructor's machine. It only reads notebooks (never runs them), so it may import
``workbook.course`` and ``workbook.authoring.notebooks``, and never torch.
"""

from .run import RULES, OP_ALIASES, audit, audit_main, scan_notebook, scan_source, submitted_notebooks
