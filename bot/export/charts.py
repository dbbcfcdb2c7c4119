"""A small chart per statement: each voice's ratings as one bar of 100%, counts written in.

Bars show shares, not counts, because voices differ in size (forty parent carers beside six
practitioners); n beside each bar keeps the sizes honest. Drawn with matplotlib's object API on
the Agg canvas: no pyplot, no display, no global state between exports.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.content import Rating
from bot.export.voices import VOICE_WORDS, VOICES, Tally

# Blue for the warm end, red for the cool end, grey for not sure: readable with the common
# colour-vision differences, and in greyscale print as light-dark steps.
COLOURS = {
    Rating.ALWAYS: "#2166ac",
    Rating.MOSTLY: "#92c5de",
    Rating.SOMETIMES: "#f4d58d",
    Rating.NOT_YET: "#d6604d",
    Rating.NOT_SURE: "#c8c8c8",
}
_DARK = {Rating.ALWAYS, Rating.NOT_YET}
WIDTH_INCHES = 6.4
DPI = 160


def ratings_chart(
    tally: Tally,
    words: Mapping[Rating, str],
    previous: Tally | None = None,
    previous_name: str | None = None,
) -> bytes:
    """A PNG: one bar per voice, and one for the last round beneath it (↳, greyed) if any."""
    bars: list[tuple[str, Tally, bool]] = []
    for voice in VOICES:
        bars.append((f"{VOICE_WORDS[voice]} (n={tally.total(voice)})", tally, False))
        if previous is not None:
            label = f"↳ {_short(previous_name or 'last round')} (n={previous.total(voice)})"
            bars.append((label, previous, True))
    height = 0.34 * len(bars) + 0.85
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    voices = [v for v in VOICES for _ in range(2 if previous is not None else 1)]
    for row, ((_, source, faded), voice) in enumerate(zip(bars, voices, strict=True)):
        total = source.total(voice)
        left = 0.0
        for rating in Rating:
            count = source.count(voice, rating)
            if not count:
                continue
            share = 100 * count / total
            axes.barh(
                row,
                share,
                left=left,
                height=0.72,
                color=COLOURS[rating],
                alpha=0.55 if faded else 1.0,
                edgecolor="white",
                linewidth=0.6,
            )
            if share >= 7:
                colour = "white" if rating in _DARK and not faded else "#222222"
                axes.text(
                    left + share / 2,
                    row,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=colour,
                )
            left += share
        if not total:
            axes.text(1, row, "no answers", va="center", fontsize=7.5, color="#666666")
    axes.set_yticks(range(len(bars)), [label for label, _, _ in bars], fontsize=8)
    axes.set_ylim(len(bars) - 0.5, -0.5)  # first voice on top; every row, even an empty one
    for tick, (_, _, faded) in zip(axes.get_yticklabels(), bars, strict=True):
        if faded:
            tick.set_color("#666666")
            tick.set_fontstyle("italic")
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=7)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    handles = [axes.bar(0, 0, color=COLOURS[r], label=words[r]) for r in Rating]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=len(Rating),
        fontsize=7.5,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.2,
    )
    # Fixed margins, in inches, instead of tight_layout: as legible, and four times quicker.
    left = (2.1 if previous is not None else 1.55) / WIDTH_INCHES
    figure.subplots_adjust(left=left, right=0.96, bottom=0.62 / height, top=1 - 0.08 / height)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _short(name: str, most: int = 20) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"
