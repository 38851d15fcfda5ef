"""The class report: what a class got wrong, read from the gradebook and the graded notebooks.

Runs on the instructor's machine after grading. May import ``workbook.course``,
``workbook.grading`` (the gradebook, the logs) and ``workbook.authoring.notebooks``; never torch.

- ``messages``: a failure message as it groups; ``collect``: the gradebook and the autograded
  notebooks read into ``ClassData``; ``statistics``: pass rates and failure groups;
- ``histogram``, ``terminal``, ``page``: the picture, the text and the HTML page;
- ``run``: the command, which writes them.
"""

from .collect import CellResult, ClassData, collect
from .histogram import histogram_png
from .messages import Message, failure_message
from .page import render_html
from .run import report_main, write_report
from .statistics import summarize
from .terminal import terminal_summary

__all__ = ["ClassData", "CellResult", "Message", "collect", "failure_message", "histogram_png", "render_html",
           "report_main", "summarize", "terminal_summary", "write_report"]
