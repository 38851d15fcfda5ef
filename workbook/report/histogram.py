"""The histogram of the students' total scores, drawn with matplotlib (without a display)."""

import math
from pathlib import Path

from .statistics import Summary


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
