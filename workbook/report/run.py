"""`workbook report`: what the class struggled with, and why, after `workbook grade`.

Reads the scores of every test cell from nbgrader's gradebook and the failure messages from
the autograded notebooks (a failed test cell's error output: the check's message), then
writes ``<root>/reports/report.html`` (one self-contained page: inline CSS, the histogram
embedded, no scripts, opens offline), ``<root>/reports/scores.png`` (the histogram of total
scores) and prints a terminal summary:

- scores per student and assignment;
- the pass rate of every exercise and every test cell;
- the most frequent failure messages of each exercise, with how many students hit each
  (messages that differ only in numbers, such as the size of a difference or its index,
  count as one);
- the submissions that need a human look: not graded, integrity failures, crashes of a test
  cell, and what ``workbook audit`` flags.
"""

from pathlib import Path

from .collect import collect
from .histogram import histogram_png
from .page import render_html
from .statistics import Summary, summarize
from .terminal import terminal_summary

REPORTS = "reports"


def write_report(root, out_dir=None, db_url=None) -> tuple[Summary, Path, Path]:
    root = Path(root).resolve()
    out = Path(out_dir).resolve() if out_dir else root / REPORTS
    summary = summarize(collect(root, db_url))
    out.mkdir(parents=True, exist_ok=True)
    png_path = out / "scores.png"
    png = histogram_png(summary, png_path)
    html_path = out / "report.html"
    html_path.write_text(render_html(summary, png, out), encoding="utf-8")
    return summary, html_path, png_path


def report_main(root, out_dir=None, db_url=None) -> int:
    """Write the report and print the terminal summary; 1 when nothing has been graded."""
    summary, html_path, png_path = write_report(root, out_dir, db_url)
    if not summary.data.totals:
        print("nothing graded yet: the gradebook has no submissions (run `workbook grade` first)")
        return 1
    print(terminal_summary(summary))
    print(f"report:    {html_path}\nhistogram: {png_path}")
    return 0
