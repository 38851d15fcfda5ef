"""The report as text, for the terminal: scores, pass rates, the most frequent failures and what
needs a look."""

from workbook.grading import gradebook
from .statistics import Summary, percent


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
    lines += ["", gradebook.format_table(data.totals, data.assignments, data.late), ""]
    if data.late:
        lines.append("Late submissions (scores above are after the penalty)")
        for (student, assignment), late in sorted(data.late.items()):
            score, max_score = data.totals.get(student, {}).get(assignment, (0.0, 0.0))
            lines.append(f"  {student}/{assignment}: {late.how_late} late, penalty {late.penalty:g}: "
                         f"{max(0.0, score - late.penalty):g}/{max_score:g} (before the penalty {score:g})")
        lines.append("")
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
            lines.append(f"  {s.exercise.ljust(width)}  {s.points:>6g}  {s.passed:>3}/{s.graded:<3} {percent(s.rate):>4}"
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
