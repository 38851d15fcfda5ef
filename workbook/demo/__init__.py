"""``workbook demo``: a whole term in one command, on the bundled data and SQLite.

Hands in a class of answers from the corpus, grades it, audits it and writes the report. Uses
every instructor-side package; runs only on the instructor's machine.
"""

from .run import demo_class, demo_sandbox_mode, hand_in, prepare_course, run_demo
