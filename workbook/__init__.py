"""The minibatch-training workbook: an nbgrader course whose hidden tests check each exercise
against PyTorch. Where code runs is where it lives:

- ``course``: the course table and the shared formats (torch-free, everywhere);
- ``checks``, ``data``: the student's kernel (``import workbook.checks as C``);
- ``student``: ``workbook check`` on a student's machine;
- ``authoring``: the instructor builds ``release/``, ``solutions/`` and the student wheel;
- ``grading``: the grader runs submissions in sandboxed kernels and keeps the gradebook;
- ``report``, ``audit``: the instructor reads what the class did;
- ``demo``: all of it on a demo class; ``cli``: the ``workbook`` command.

Only ``course``, ``checks``, ``data``, ``student`` and this file ship in the student wheel.
"""

__version__ = "0.2.0"

from .course.table import ASSIGNMENTS  # noqa: E402,F401  (the release order)
