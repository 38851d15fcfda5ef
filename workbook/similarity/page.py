"""The similarity report as one self-contained HTML page: inline CSS, no scripts, opens
offline; every line of student code is escaped. Each pair shows, exercise by exercise, the two
cells side by side with the lines of their shared fingerprints highlighted."""

import html
import os
from datetime import datetime
from pathlib import Path

from .compare import COMMON_FRACTION, COMMON_MIN

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;
     color:#1d232a;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #dde3ea;
   padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}
.meta{color:#5b6672;margin:0 0 12px}.none{color:#5b6672;font-style:italic}
table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:4px 10px;border-bottom:1px solid #e8ecf0;
      text-align:left;vertical-align:top}th{background:#f4f6f8;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.side{width:100%;table-layout:fixed}table.side td{width:50%;padding:0 6px}
pre{margin:0;font-size:12.5px;white-space:pre-wrap;word-break:break-word;background:#fafbfc;
    border:1px solid #e8ecf0;padding:4px 0}
pre span{display:block;padding:0 6px}pre span.m{background:#ffe7a3}
pre i{display:inline-block;width:2.6em;color:#8a96a3;font-style:normal;user-select:none}
.pair{margin:10px 0 22px;padding:6px 12px;border-left:3px solid #d99a29;background:#fffdf7}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _anchor(pair) -> str:
    return "pair-" + "-".join(f"{ord(ch):x}" if not ch.isalnum() else ch
                              for ch in f"{pair.assignment}_{pair.students[0]}_{pair.students[1]}")


def _lines(code: str, marked: set[int]) -> str:
    rows = []
    for number, line in enumerate(code.splitlines() or [""], start=1):
        kind = ' class="m"' if number in marked else ""
        rows.append(f"<span{kind}><i>{number}</i>{_e(line) or ' '}</span>")
    return "<pre>" + "".join(rows) + "</pre>"


def _marked(cell, shared: set[int]) -> set[int]:
    lines = set()
    for h in shared:
        for first, last in cell.prints.get(h, []):
            lines.update(range(first, last + 1))
    return lines


def _pair_html(result, pair) -> str:
    a, b = pair.students
    parts = [f'<div class="pair" id="{_anchor(pair)}"><h3>{_e(pair.assignment)}: {_e(a)} ~ {_e(b)} '
             f'<span class="meta">· {pair.score:.1f} shared fingerprints</span></h3>']
    cells = result.cells[pair.assignment]
    for exercise, score in sorted(pair.scores.items(), key=lambda kv: -kv[1]):
        shared = pair.shared[exercise]
        left, right = cells[exercise][a], cells[exercise][b]
        parts.append(f"<h4>{_e(exercise)} · {score:.1f} ({len(shared)} fingerprint{'s' if len(shared) != 1 else ''})"
                     "</h4>")
        parts.append(f'<table class="side"><thead><tr><th>{_e(a)}</th><th>{_e(b)}</th></tr></thead><tbody><tr>'
                     f"<td>{_lines(left.code, _marked(left, shared))}</td>"
                     f"<td>{_lines(right.code, _marked(right, shared))}</td></tr></tbody></table>")
    parts.append("</div>")
    return "\n".join(parts)


def _ranking(pairs, limit: int) -> str:
    rows = []
    for rank, p in enumerate(pairs[:limit], start=1):
        per = ", ".join(f"{e} {s:.1f}" for e, s in sorted(p.scores.items(), key=lambda kv: -kv[1]))
        rows.append(f'<tr><td class="num">{rank}</td><td><a href="#{_anchor(p)}">{_e(p.students[0])} ~ '
                    f'{_e(p.students[1])}</a></td><td class="num">{p.score:.1f}</td><td>{_e(per)}</td></tr>')
    return ('<table><thead><tr><th class="num">#</th><th>pair</th><th class="num">score</th><th>by exercise</th>'
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _below(pairs, limit: int) -> str:
    if not pairs:
        return ""
    rows = "".join(f'<tr><td>{_e(p.students[0])} ~ {_e(p.students[1])}</td><td class="num">{p.score:.1f}</td></tr>'
                   for p in pairs[:limit])
    return ('<p class="meta">The closest pairs below the threshold, for comparison:</p>'
            f'<table><thead><tr><th>pair</th><th class="num">score</th></tr></thead><tbody>{rows}</tbody></table>')


def render_html(result, limit: int = 200) -> str:
    """The page; ``limit`` pairs per assignment at most are shown in full."""
    flagged = result.flagged()
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<title>Similarity report</title>", f"<style>{CSS}</style></head><body>",
        "<h1>Similarity report</h1>",
        f'<p class="meta">{len(flagged)} pair{"s" if len(flagged) != 1 else ""} above the threshold '
        f"({result.threshold:g}) · assignments: {_e(', '.join(result.assignments)) or '—'} · generated "
        f"{datetime.now().strftime('%Y-%m-%d %H:%M')}</p>",
        "<p>Each pair below <b>asks for a look</b>: shared code is no proof of copying, and this report changes "
        "no grade. A pair's score counts the fingerprints (runs of normalised code: names, comments, strings, "
        "numbers and the order of functions do not matter) its two solution cells share, exercise by exercise, "
        "<b>beyond</b> the release skeleton and the reference solution. A fingerprint shared by <i>n</i> students "
        f"weighs 2/<i>n</i>; one that more than {COMMON_MIN} students and {COMMON_FRACTION:.0%} of the class "
        "share is not counted. Highlighted lines hold shared fingerprints.</p>",
    ]
    if result.skipped:
        parts.append("<h2>Not compared</h2><ul>" + "".join(f"<li>{_e(s)}</li>" for s in result.skipped) + "</ul>")
    for a in result.assignments:
        pairs = result.pairs[a]
        above = [p for p in pairs if p.score >= result.threshold]
        parts.append(f"<h2>{_e(a)}</h2><p class=\"meta\">{result.students[a]} submission(s) read · "
                     f"{len(above)} pair(s) above the threshold</p>")
        if above:
            parts.append(_ranking(above, limit))
            parts.extend(_pair_html(result, p) for p in above[:limit])
            if len(above) > limit:
                parts.append(f'<p class="meta">... and {len(above) - limit} more pairs above the threshold, '
                             "not shown in full.</p>")
        else:
            parts.append('<p class="none">No pair above the threshold.</p>')
        parts.append(_below([p for p in pairs if p.score < result.threshold], 5))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_page(result, path: Path) -> Path:
    """Write the page atomically (a reader never sees half a report)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(render_html(result), encoding="utf-8")
    os.replace(partial, path)
    return path
