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

import base64
import html
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbook import grading
from workbook.authoring import notebooks
from workbook.course import folders
from workbook.grading import gradebook
from workbook.checks.equivalents import EXERCISES

REPORTS = "reports"


# -- failure messages ----------------------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
_NORMALIZE = [  # what varies between students who made the same mistake
    (re.compile(r"max abs difference .*$"), "max abs difference …"),
    (re.compile(rf"(where PyTorch gives the finite value) {_NUMBER}"), r"\1 …"),
    (re.compile(r"at index \([^)]*\)"), "at index (…)"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "0x…"),
    (re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])"), "…"),  # non-integers
]


@dataclass(frozen=True)
class Message:
    """A failed test cell's message, as it groups: its first line with the numbers that vary
    between students taken out, and its hint."""
    text: str
    hint: str = ""


def failure_message(ename: str, evalue: str, exercise: str | None = None) -> Message:
    """The grouping key of one failure: ``CheckFailure``'s message, first line, normalized.

    A check's message reads ``"<exercise>: <property>: <problem>"`` followed by ``input:``
    and ``hint:`` lines. Numbers are taken out of the problem only: the property names the
    input (``x * 1000``, ``dim=0``), which is the same for every student.
    """
    lines = (evalue or "").splitlines()
    first = lines[0].strip() if lines else ""
    hint = next((line.strip()[len("hint:"):].strip() for line in lines[1:]
                 if line.strip().startswith("hint:")), "")
    if ename and ename not in ("CheckFailure", "AssertionError"):
        first = f"{ename}: {first}" if first else ename
    head, problem = "", first
    parts = first.split(": ", 2)
    if exercise and len(parts) == 3 and parts[0] == exercise:
        head, problem = f"{parts[0]}: {parts[1]}: ", parts[2]
    for pattern, repl in _NORMALIZE:
        problem = pattern.sub(repl, problem)
    text = (head + problem).strip() or "failed without a message"
    return Message(text[:400], hint[:300])


def cell_failure(cell) -> tuple[str, str] | None:
    """(ename, evalue) of an executed test cell's error output; ("stderr", text) when it only
    wrote to stderr (nbgrader scores that 0 too); None when it did neither."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "stderr", "".join(out.get("text", ""))
    return None


# -- the data ------------------------------------------------------------------------------------

@dataclass
class CellResult:
    student: str
    assignment: str
    notebook: str
    grade_id: str
    exercise: str
    score: float
    max_score: float
    ename: str = ""
    evalue: str = ""

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score - 1e-9

    @property
    def message(self) -> Message:
        if not self.ename and not self.evalue:
            return Message("scored 0 without an error message (a timeout, or the kernel died?)")
        if self.ename == "stderr":
            first = (self.evalue.strip().splitlines() or [""])[0]
            return Message(f"wrote to stderr, which nbgrader scores 0: {first}"[:400])
        return failure_message(self.ename, self.evalue, self.exercise)


@dataclass
class ClassData:
    results: list[CellResult]
    totals: dict[str, dict[str, tuple[float, float]]]        # student -> assignment -> (score, max)
    assignments: list[str]
    exercises: dict[str, list[tuple[str, float]]]             # assignment -> [(exercise, points)]
    cells: dict[str, list[tuple[str, str, float]]]            # assignment -> [(grade_id, exercise, points)]
    look: list[tuple[str, str, str]] = field(default_factory=list)  # (student, assignment, why)
    feedback: dict[tuple[str, str], str] = field(default_factory=dict)  # (student, assignment) -> path


def _exercise_names(root: Path, assignment: str, notebook: str, autograded: list) -> list[str]:
    for path in [root / "source" / assignment / f"{notebook}.ipynb", *autograded]:
        try:
            names = list(notebooks.solution_cells(notebooks.read(path)))
        except Exception:
            continue
        if names:
            return names
    return list(EXERCISES.get(assignment, ()))


def _exercise(grade_id: str, names) -> str:
    try:
        return notebooks.exercise_of(grade_id, names)
    except ValueError:
        return grade_id.removeprefix("test_")


def collect(root, db_url: str | None = None) -> ClassData:
    """Scores from the gradebook, messages from ``autograded/``, problems worth a look."""
    root = Path(root).resolve()
    db_url = _gradebook_url(root, db_url)
    scores = gradebook.cell_scores(db_url)
    totals = gradebook.totals(db_url)
    by_notebook: dict[tuple[str, str], list[gradebook.CellScore]] = defaultdict(list)
    for s in scores:
        by_notebook[(s.assignment, s.notebook)].append(s)

    results, look, cell_order, exercise_points = [], [], {}, {}
    for (assignment, notebook), rows in sorted(by_notebook.items()):
        graded_paths = sorted({root / "autograded" / r.student / assignment / f"{notebook}.ipynb" for r in rows})
        names = _exercise_names(root, assignment, notebook, graded_paths[:3])
        order = _test_cell_order(root, assignment, notebook, rows)
        cell_order.setdefault(assignment, [])
        for gid in order:
            points = max(r.max_score for r in rows if r.grade_id == gid)
            cell_order[assignment].append((gid, _exercise(gid, names), points))
        per_student: dict[str, list[gradebook.CellScore]] = defaultdict(list)
        for r in rows:
            per_student[r.student].append(r)
        for student, cells in sorted(per_student.items()):
            graded = _read_graded(root / "autograded" / student / assignment / f"{notebook}.ipynb")
            if isinstance(graded, str):
                look.append((student, assignment, graded))
            crashes: dict[str, list[str]] = defaultdict(list)  # what went wrong -> test cells
            for r in cells:
                ename, evalue = ("", "") if isinstance(graded, str) else graded.get(r.grade_id, ("", ""))
                result = CellResult(student, assignment, notebook, r.grade_id, _exercise(r.grade_id, names),
                                    r.score, r.max_score)
                if not result.passed:
                    result.ename, result.evalue = ename, evalue
                    if not ename and not evalue and not isinstance(graded, str):
                        crashes["scored 0 without any error message (a timeout or a dead kernel?)"].append(r.grade_id)
                    elif ename and ename not in ("CheckFailure", "AssertionError", "stderr"):
                        first = (evalue or "").splitlines()[0] if evalue else ""
                        crashes[f"crashed with {ename}: {first}"[:200]].append(r.grade_id)
                results.append(result)
            for what, gids in crashes.items():
                look.append((student, assignment, f"{what}: {', '.join(gids)}"))
            if not isinstance(graded, str) and graded.get("<integrity>"):
                look.append((student, assignment, graded["<integrity>"][1].splitlines()[0][:300]))
    for assignment, cells in cell_order.items():
        points: dict[str, float] = {}
        for _, exercise, p in cells:
            points[exercise] = points.get(exercise, 0.0) + p
        exercise_points[assignment] = list(points.items())

    graded_pairs = {(st, a) for st, per in totals.items() for a in per}
    look += [(h.student, h.assignment, "submitted but not in the gradebook: grading failed or has not run")
             for h in folders.submissions(root) if (h.student, h.assignment) not in graded_pairs]
    if (root / folders.SUBMITTED).is_dir():
        look += _audit_findings(root)
    look += grading.grading_notes(root)  # graded without the sandbox; cells repaired, notebook renamed

    feedback = {}
    for student, per in totals.items():
        for assignment in per:
            folder = root / "feedback" / student / assignment
            pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
            if pages:
                feedback[(student, assignment)] = str(pages[0])
    assignments = sorted({a for per in totals.values() for a in per} | set(cell_order))
    return ClassData(results, totals, assignments, exercise_points, cell_order, _unique(look), feedback)


def _gradebook_url(root: Path, db_url: str | None) -> str:
    """``db_url``, else the course's (nbgrader_config.py's, else its SQLite file), which must exist:
    opening a missing SQLite gradebook would quietly create an empty one."""
    url = gradebook.configured_url(root, db_url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):].split("?")[0])
        if not path.exists():
            raise FileNotFoundError(f"no gradebook at {path}: grade the class first (`workbook grade`)")
    return url


def _test_cell_order(root, assignment, notebook, rows) -> list[str]:
    present = list(dict.fromkeys(r.grade_id for r in rows))
    try:
        source = notebooks.read(root / "source" / assignment / f"{notebook}.ipynb")
        order = [c.grade_id for c in notebooks.test_cells(source) if c.grade_id in present]
    except Exception:
        order = []
    return order + [g for g in present if g not in order]


def _read_graded(path: Path):
    """grade_id -> (ename, evalue) of every error output; ``"<integrity>"`` for a failed
    integrity check anywhere. A string says why the notebook could not be read."""
    if not path.exists():
        return "no autograded notebook: its failure messages are unknown"
    try:
        nb = notebooks.read(path)
    except Exception as error:
        return f"autograded notebook unreadable ({type(error).__name__})"
    errors = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        failure = cell_failure(cell)
        if failure is None:
            continue
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if gid:
            errors[gid] = failure
        if failure[1].startswith("integrity:"):
            errors.setdefault("<integrity>", failure)
    return errors


def _audit_findings(root) -> list[tuple[str, str, str]]:
    from workbook.audit import audit

    try:
        findings, _ = audit(root)
    except Exception as error:  # the report must not fail because the scan did
        return [("-", "-", f"workbook audit could not run: {error}")]
    return [(f.student, f.assignment, f"audit: {f.cell}" + (f", line {f.line}" if f.line else "")
             + f": {f.reason}" + (f" [{f.code}]" if f.code else "")) for f in findings]


def _unique(items):
    return list(dict.fromkeys(items))


# -- the summary ---------------------------------------------------------------------------------

@dataclass
class CellStat:
    grade_id: str
    points: float
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class ExerciseStat:
    assignment: str
    exercise: str
    points: float
    passed: int            # students who passed every test cell of the exercise
    graded: int
    mean: float            # mean points
    cells: list[CellStat]

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class FailureGroup:
    assignment: str
    exercise: str
    message: Message
    students: list[str]
    cells: list[str]


@dataclass
class Summary:
    data: ClassData
    exercises: list[ExerciseStat]
    failures: dict[tuple[str, str], list[FailureGroup]]   # (assignment, exercise) -> most frequent first
    course_max: float
    student_totals: dict[str, float]

    @property
    def students(self) -> list[str]:
        return sorted(self.data.totals)


def summarize(data: ClassData) -> Summary:
    by_assignment = defaultdict(list)
    for r in data.results:
        by_assignment[r.assignment].append(r)
    stats = []
    for assignment in data.assignments:
        results = by_assignment.get(assignment, [])
        students = sorted({r.student for r in results})
        for exercise, points in data.exercises.get(assignment, []):
            mine = [r for r in results if r.exercise == exercise]
            cells = []
            for gid, ex, p in data.cells[assignment]:
                if ex == exercise:
                    cell_results = [r for r in mine if r.grade_id == gid]
                    cells.append(CellStat(gid, p, sum(r.passed for r in cell_results), len(cell_results)))
            per_student = defaultdict(list)
            for r in mine:
                per_student[r.student].append(r)
            passed = sum(all(r.passed for r in rs) for rs in per_student.values())
            mean = sum(r.score for r in mine) / len(students) if students else 0.0
            stats.append(ExerciseStat(assignment, exercise, points, passed, len(students), mean, cells))

    groups: dict[tuple[str, str, Message], FailureGroup] = {}
    for r in data.results:
        if r.passed:
            continue
        key = (r.assignment, r.exercise, r.message)
        group = groups.setdefault(key, FailureGroup(r.assignment, r.exercise, r.message, [], []))
        if r.student not in group.students:
            group.students.append(r.student)
        if r.grade_id not in group.cells:
            group.cells.append(r.grade_id)
    failures = defaultdict(list)
    for group in groups.values():
        failures[(group.assignment, group.exercise)].append(group)
    for key in failures:
        failures[key].sort(key=lambda g: (-len(g.students), g.message.text))

    assignment_max = {}
    for per in data.totals.values():
        for a, (_, mx) in per.items():
            assignment_max[a] = max(assignment_max.get(a, 0.0), mx)
    student_totals = {s: sum(score for score, _ in per.values()) for s, per in data.totals.items()}
    return Summary(data, stats, dict(failures), sum(assignment_max.values()), student_totals)


# -- the histogram -------------------------------------------------------------------------------

def histogram_png(summary: Summary, path: Path) -> bytes:
    """A histogram of the students' total scores, saved as ``path``; returns the PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    totals = list(summary.student_totals.values())
    top = summary.course_max or max(totals, default=1.0) or 1.0
    width = max(1.0, float(math.ceil(top / 20)))
    edges = [i * width for i in range(int(math.ceil(top / width)) + 1)]  # the last bin holds full marks
    fig = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    counts, _, bars = ax.hist(totals, bins=edges, color="#3b6ea8", edgecolor="white", align="mid")
    for count, bar in zip(counts, bars):
        if count:
            ax.annotate(f"{int(count)}", (bar.get_x() + bar.get_width() / 2, count), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
    if totals:
        mean = sum(totals) / len(totals)
        ax.axvline(mean, color="#c0392b", linestyle="--", linewidth=1.2, label=f"mean {mean:.1f}")
        ax.legend(frameon=False, loc="best")
    ax.set_xlim(0, edges[-1])
    ax.set_xlabel(f"total score (of {top:g} points)")
    ax.set_ylabel("students")
    ax.set_title(f"Total scores, {len(totals)} student{'s' if len(totals) != 1 else ''}")
    ax.set_ylim(0, max(counts.max() if len(counts) else 1, 1) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path.read_bytes()


# -- the terminal summary ------------------------------------------------------------------------

def _pct(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def terminal_summary(summary: Summary, *, top: int = 3) -> str:
    data = summary.data
    n = len(summary.students)
    lines = [f"Class report: {n} student{'s' if n != 1 else ''}, assignments: {', '.join(data.assignments)}"]
    totals = list(summary.student_totals.values())
    if totals:
        ordered = sorted(totals)
        median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1]
                                                                       + ordered[len(ordered) // 2]) / 2
        lines.append(f"total scores (of {summary.course_max:g}): mean {sum(totals) / len(totals):.1f}, "
                     f"median {median:g}, min {min(totals):g}, max {max(totals):g}")
    lines += ["", gradebook.format_table(data.totals, data.assignments), ""]
    width = max([len(s.exercise) for s in summary.exercises] + [8])
    for assignment in data.assignments:
        stats = [s for s in summary.exercises if s.assignment == assignment]
        if not stats:
            continue
        lines.append(f"{assignment}: {stats[0].graded} graded")
        lines.append(f"  {'exercise'.ljust(width)}  points  passed       mean  test cells passed")
        for s in stats:
            cells = ", ".join(f"{c.grade_id.removeprefix(f'test_{s.exercise}_')} {c.passed}/{c.graded}"
                              for c in s.cells)
            lines.append(f"  {s.exercise.ljust(width)}  {s.points:>6g}  {s.passed:>3}/{s.graded:<3} {_pct(s.rate):>4}"
                         f"  {s.mean:5.2f}  {cells}")
        lines.append("")
    if summary.failures:
        lines.append("Most frequent failures (students: message)")
        for s in summary.exercises:
            groups = summary.failures.get((s.assignment, s.exercise), [])
            if not groups:
                continue
            lines.append(f"  {s.assignment} / {s.exercise}")
            for g in groups[:top]:
                k = len(g.students)
                lines.append(f"    {k} student{'s' if k != 1 else ''}: {g.message.text}")
                if g.message.hint:
                    lines.append(f"      hint: {g.message.hint}")
            if len(groups) > top:
                lines.append(f"    ... and {len(groups) - top} more message(s) in the HTML report")
        lines.append("")
    if data.look:
        lines.append("Needs a human look")
        for student, assignment, why in data.look:
            lines.append(f"  {student}/{assignment}: {why}")
        lines.append("")
    return "\n".join(lines)


# -- the HTML page -------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;
     color:#1d232a;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #dde3ea;
   padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
.meta{color:#5b6672;margin:0 0 16px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:4px 10px;border-bottom:1px solid #e8ecf0;
      text-align:left;vertical-align:top}th{background:#f4f6f8;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.cell td{color:#4a5560;font-size:13px}tr.cell td:first-child{padding-left:28px}
.bar{display:inline-block;width:120px;height:10px;background:#eef1f4;border-radius:3px;margin-right:6px;
     vertical-align:middle;overflow:hidden}.bar span{display:block;height:100%;background:#3b8f5a}
.bar.mid span{background:#d99a29}.bar.low span{background:#c0392b}
td.full{background:#e8f5ec}td.low{background:#fbe9e7}
.count{display:inline-block;min-width:2.2em;text-align:center;font-weight:700;background:#c0392b;color:#fff;
       border-radius:10px;padding:0 6px;margin-right:8px}
.msg{margin:6px 0 10px;padding:6px 10px;background:#fafbfc;border-left:3px solid #c0392b}
.msg code{white-space:pre-wrap;word-break:break-word;font-size:13px}
.hint{color:#1f6f43;margin-top:2px}.who{color:#5b6672;font-size:12.5px;margin-top:2px}
img.hist{max-width:100%;border:1px solid #e8ecf0}
.none{color:#5b6672;font-style:italic}
.nav{font-size:13px;margin:0 0 8px}.nav a{color:#2c5d94}
ol.struggles li{margin:4px 0}ol.struggles code{font-size:13px;white-space:pre-wrap}
"""


CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _bar(rate: float) -> str:
    kind = "" if rate >= 0.8 else ("mid" if rate >= 0.5 else "low")
    return f'<span class="bar {kind}"><span style="width:{100 * rate:.0f}%"></span></span>'


def render_html(summary: Summary, png: bytes, out_dir: Path | None = None) -> str:
    """The report as one self-contained page; every student-derived text is escaped."""
    data = summary.data
    n = len(summary.students)
    flagged = len({(s, a) for s, a, _ in data.look})
    head = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing but inline styles and the embedded picture may load: no script runs, no request leaves.
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>Class report: {_e(', '.join(data.assignments))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Class report</h1><p class=\"meta\">{n} student{'s' if n != 1 else ''} · "
        f"assignments: {_e(', '.join(data.assignments)) or '—'} · generated "
        f"{datetime.now().strftime('%Y-%m-%d %H:%M')}</p>",
        '<p class="nav"><a href="#struggles">where the class struggled</a> · <a href="#totals">total scores</a> · '
        '<a href="#exercises">pass rates</a> · <a href="#failures">failure messages</a> · '
        f'<a href="#look">needs a human look ({flagged})</a> · <a href="#students">scores per student</a></p>',
    ]
    sections = [
        ("struggles", "Where the class struggled", _struggles(summary)),
        ("totals", "Total scores",
         '<img class="hist" id="histogram" alt="histogram of the total scores" '
         f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'),
        ("exercises", "Pass rates of the exercises and their test cells", _exercises_html(summary)),
        ("failures", "Failure messages, most frequent first", _failures_html(summary)),
        ("look", "Needs a human look", _look_html(data)),
        ("students", "Scores per student", _scores_table(summary, out_dir)),
    ]
    body = [f'<h2 id="{anchor}">{title}</h2>\n{content}' for anchor, title, content in sections]
    return "\n".join(head + body + ["</body></html>"]) + "\n"


def _exercises_html(summary: Summary) -> str:
    parts = ['<p class="meta">An exercise is passed when every one of its test cells is; '
             "the indented rows are its test cells.</p>"]
    for assignment in summary.data.assignments:
        stats = [s for s in summary.exercises if s.assignment == assignment]
        if not stats:
            continue
        parts.append(f"<h3>{_e(assignment)}</h3>")
        parts.append('<table class="exercises"><thead><tr><th>exercise / test cell</th><th class="num">points</th>'
                     '<th>passed</th><th class="num">mean points</th></tr></thead><tbody>')
        for s in stats:
            parts.append(f'<tr class="exercise"><td><b>{_e(s.exercise)}</b></td><td class="num">{s.points:g}</td>'
                         f"<td>{_bar(s.rate)}{s.passed}/{s.graded} ({_pct(s.rate)})</td>"
                         f'<td class="num">{s.mean:.2f}</td></tr>')
            for c in s.cells:
                parts.append(f'<tr class="cell"><td>{_e(c.grade_id)}</td><td class="num">{c.points:g}</td>'
                             f"<td>{_bar(c.rate)}{c.passed}/{c.graded} ({_pct(c.rate)})</td><td></td></tr>")
        parts.append("</tbody></table>")
    return "\n".join(parts)


def _failures_html(summary: Summary) -> str:
    parts = ['<p class="meta">Per exercise, the checks\' messages with the number of students who got each '
             "(messages that differ only in numbers count as one).</p>"]
    if not summary.failures:
        parts.append('<p class="none">No test cell failed.</p>')
    for s in summary.exercises:
        groups = summary.failures.get((s.assignment, s.exercise), [])
        if not groups:
            continue
        parts.append(f"<h3>{_e(s.assignment)} / {_e(s.exercise)}</h3>")
        for g in groups:
            k = len(g.students)
            hint = f'<div class="hint">hint: {_e(g.message.hint)}</div>' if g.message.hint else ""
            parts.append(f'<div class="msg"><span class="count">{k}</span><code>{_e(g.message.text)}</code>{hint}'
                         f'<div class="who">{k} student{"s" if k != 1 else ""} ({_e(", ".join(sorted(g.students)))})'
                         f" · test cells: {_e(', '.join(g.cells))}</div></div>")
    return "\n".join(parts)


def _look_html(data: ClassData) -> str:
    if not data.look:
        return ('<p class="none">Nothing: every submission was graded, no integrity check failed and '
                "the audit flagged nothing.</p>")
    rows = [f"<tr><td>{_e(student)}</td><td>{_e(assignment)}</td><td>{_e(why)}</td></tr>"
            for student, assignment, why in data.look]
    return ('<table class="look"><thead><tr><th>student</th><th>assignment</th><th>why</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _struggles(summary: Summary, top: int = 5) -> str:
    """The most frequent failure messages over the whole class, untouched exercises left out."""
    groups = [g for gs in summary.failures.values() for g in gs if "not implemented yet" not in g.message.text]
    groups.sort(key=lambda g: (-len(g.students), g.assignment, g.exercise, g.message.text))
    if not groups:
        return '<p class="none">No failure beyond exercises left unimplemented.</p>'
    items = []
    for g in groups[:top]:
        k = len(g.students)
        hint = f"<br><span class=\"hint\">hint: {_e(g.message.hint)}</span>" if g.message.hint else ""
        items.append(f"<li><b>{k} student{'s' if k != 1 else ''}</b> · {_e(g.assignment)}: "
                     f"<code>{_e(g.message.text)}</code>{hint}</li>")
    return '<ol class="struggles">' + "".join(items) + "</ol>"


def _scores_table(summary: Summary, out_dir: Path | None) -> str:
    data = summary.data
    maxima = {}
    for per in data.totals.values():
        for a, (_, mx) in per.items():
            maxima[a] = max(maxima.get(a, 0.0), mx)
    rows = ['<table class="scores" id="scores"><thead><tr><th>student</th>'
            + "".join(f'<th class="num">{_e(a)}</th>' for a in data.assignments)
            + '<th class="num">total</th></tr></thead><tbody>']
    for student in summary.students:
        cells = [f"<td>{_e(student)}</td>"]
        for a in data.assignments:
            if a not in data.totals[student]:
                cells.append('<td class="num low">—</td>')
                continue
            score, mx = data.totals[student][a]
            kind = "full" if mx and score >= mx else ("low" if mx and score < mx / 2 else "")
            text = f"{score:g}/{mx:g}"
            page = data.feedback.get((student, a))
            if page and out_dir is not None:
                href = Path(os.path.relpath(page, out_dir)).as_posix()
                text = f'<a href="{_e(href)}" title="feedback">{text}</a>'
            cells.append(f'<td class="num {kind}">{text}</td>')
        total = summary.student_totals[student]
        cells.append(f'<td class="num"><b>{total:g}</b>/{summary.course_max:g}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


# -- the command ---------------------------------------------------------------------------------

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
