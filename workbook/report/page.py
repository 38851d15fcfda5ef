"""The report as one self-contained HTML page: inline CSS, the histogram embedded, no scripts,
opens offline; every student-derived text is escaped."""

import base64
import html
import os
from datetime import datetime
from pathlib import Path

from .collect import ClassData
from .statistics import Summary, percent


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
        f'<a href="#look">needs a human look ({flagged})</a> · <a href="#late">late submissions ({len(data.late)})</a> · '
        '<a href="#students">scores per student</a></p>',
    ]
    sections = [
        ("struggles", "Where the class struggled", _struggles(summary)),
        ("totals", "Total scores",
         '<img class="hist" id="histogram" alt="histogram of the total scores" '
         f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'),
        ("exercises", "Pass rates of the exercises and their test cells", _exercises_html(summary)),
        ("failures", "Failure messages, most frequent first", _failures_html(summary)),
        ("look", "Needs a human look", _look_html(data)),
        ("late", "Late submissions", _late_html(data)),
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
                         f"<td>{_bar(s.rate)}{s.passed}/{s.graded} ({percent(s.rate)})</td>"
                         f'<td class="num">{s.mean:.2f}</td></tr>')
            for c in s.cells:
                parts.append(f'<tr class="cell"><td>{_e(c.grade_id)}</td><td class="num">{c.points:g}</td>'
                             f"<td>{_bar(c.rate)}{c.passed}/{c.graded} ({percent(c.rate)})</td><td></td></tr>")
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


def _late_html(data: ClassData) -> str:
    """Each submission handed in after its due date: how late, the penalty, the score after it."""
    if not data.late:
        return '<p class="none">None: no submission was handed in after its due date.</p>'
    rows = []
    for (student, assignment), late in sorted(data.late.items()):
        score, mx = data.totals.get(student, {}).get(assignment, (0.0, 0.0))
        rows.append(f"<tr><td>{_e(student)}</td><td>{_e(assignment)}</td><td>{_e(late.how_late)}</td>"
                    f'<td class="num">{late.penalty:g}</td><td class="num">{max(0.0, score - late.penalty):g}/{mx:g}'
                    f"</td></tr>")
    return ('<table class="late"><thead><tr><th>student</th><th>assignment</th><th>late by</th>'
            '<th class="num">penalty</th><th class="num">score after it</th></tr></thead><tbody>'
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
            late = data.late.get((student, a))
            score = max(0.0, score - late.penalty) if late else score
            kind = "full" if mx and score >= mx else ("low" if mx and score < mx / 2 else "")
            text = f"{score:g}/{mx:g}" + (f" (late {late.how_late}, &minus;{late.penalty:g})" if late else "")
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
