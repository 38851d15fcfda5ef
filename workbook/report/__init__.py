"""The class report: what a class got wrong, read from the gradebook and the graded notebooks.

Runs on the instructor's machine after grading. May import ``workbook.course``,
``workbook.grading`` (the gradebook, the logs) and ``workbook.authoring.notebooks``; never torch.
"""

from .run import ClassData, CellResult, Message, collect, failure_message, histogram_png, render_html, \
    report_main, summarize, terminal_summary, write_report
