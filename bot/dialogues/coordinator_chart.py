"""The /status picture: who has taken part, by role, and how much of each cornerstone has evidence.

Counts only, never a person. Drawn with matplotlib's object API on the Agg canvas (no pyplot,
no display, nothing shared between two charts drawn at once), as the export's charts are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WIDTH_INCHES = 6.4
DPI = 130
STAGES = ("#c6dbef", "#6baed6", "#2166ac")  # joined, started, finished: light to dark
COVERED = "#2166ac"


@dataclass(frozen=True)
class Bars:
    """One group of bars: a label and a value per series."""

    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class CoverageBar:
    label: str
    evidenced: int
    total: int
    note: str  # written beside the bar: "12 of 30"


@dataclass(frozen=True)
class ChartWords:
    title: str
    series: tuple[str, str, str]  # joined, started, finished
    coverage: str  # the lower chart's title


def status_chart(words: ChartWords, roles: Sequence[Bars], shares: Sequence[CoverageBar]) -> bytes:
    figure = Figure(figsize=(WIDTH_INCHES, 2.2 + 0.45 * (len(roles) + len(shares))), dpi=DPI)
    FigureCanvasAgg(figure)
    people, evidence = figure.subplots(2, 1, height_ratios=(len(roles) or 1, len(shares) or 1))

    height = 0.8 / len(words.series)
    for n, (name, colour) in enumerate(zip(words.series, STAGES, strict=True)):
        rows = [row + (n - 1) * height for row in range(len(roles))]
        values = [group.values[n] for group in roles]
        bars = people.barh(rows, values, height=height, color=colour, label=name)
        people.bar_label(bars, padding=2, fontsize=7)
    people.set_yticks(range(len(roles)), [group.label for group in roles], fontsize=8)
    people.set_ylim(len(roles) - 0.5, -0.5)
    people.set_title(words.title, fontsize=10, loc="left")
    people.legend(fontsize=7, frameon=False, loc="lower right")
    people.xaxis.get_major_locator().set_params(integer=True)
    people.tick_params(axis="x", labelsize=7)

    percent = [100 * s.evidenced / s.total if s.total else 0 for s in shares]
    bars = evidence.barh(range(len(shares)), percent, height=0.6, color=COVERED)
    evidence.bar_label(bars, [s.note for s in shares], padding=3, fontsize=7)
    evidence.set_yticks(range(len(shares)), [s.label for s in shares], fontsize=8)
    evidence.set_ylim(len(shares) - 0.5, -0.5)
    evidence.set_xlim(0, 115)  # room for the label beside a full bar
    evidence.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=7)
    evidence.set_title(words.coverage, fontsize=10, loc="left")

    for axes in (people, evidence):
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
