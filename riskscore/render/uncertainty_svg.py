"""Inline SVG charts of the uncertainty and sensitivity analysis for the HTML report.

Pure functions of numbers, drawn with the report's own CSS classes (grid, tick, range, median,
baseline, value) so they sit beside the other charts without new styles: the JRC's chart of
median rank with its 5-95 % interval, and bars of first- and total-order Sobol indices.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from riskscore.render.svg import PALETTE

WIDTH = 760
"""Chart width in SVG user units; the chart scales to its container."""
LABEL = 290
"""Room for the row labels on the left."""
RIGHT = 70
"""Room for the figures on the right."""
ROW = 26
"""Height of one row."""
TOP = 24
"""Room for the axis labels above the first row."""
CHAR = 6.4
"""Average width of one label character at the chart's font size, to shorten long labels."""

BAR_GAP = 16
"""From one bar of a group to the next: the 12-unit figures beside two bars (text boxes about
14 units tall) must not overlap when the two indices are close (they did at 12)."""

FIRST, TOTAL = PALETTE[0], PALETTE[1]
"""Bar colours: first-order (dark blue), total-order (light blue); a legend names both."""


@dataclass(frozen=True)
class RankRow:
    """One project's rank: at the set's own choices, and the 5th, 50th and 95th percentile."""

    label: str
    baseline: int
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class GroupBar:
    """One input group's Sobol indices (shares of variance, 0-1) and CI half-widths."""

    label: str
    first: float
    first_ci: float
    total: float
    total_ci: float


def _fit(text: str, room: float) -> str:
    most = max(4, int(room / CHAR))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _svg(width: int, height: float, label: str, parts: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>" + "".join(parts) + "</svg>"
    )


def _label(x: float, y: float, text: str, room: float) -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="end"><title>{escape(text)}</title>'
        f"{escape(_fit(text, room))}</text>"
    )


def rank_intervals(
    rows: list[RankRow], projects: int, label: str, width: int = WIDTH, left: int = LABEL
) -> Markup:
    """Per project, its 5-95 % rank interval as a bar, the median rank as a tick and the rank
    at the set's own choices as a diamond; rank 1 (best) at the left."""
    span = width - left - RIGHT
    bottom = TOP + ROW * len(rows)

    def x(rank: float) -> float:
        return round(left + (rank - 1) / max(projects - 1, 1) * span, 1)

    parts = []
    step = max(1, round(projects / 10))
    for rank in sorted({1, projects, *range(1, projects + 1, step)}):
        parts.append(
            f'<line x1="{x(rank)}" y1="{TOP - 4}" x2="{x(rank)}" y2="{bottom}" class="grid"/>'
            f'<text x="{x(rank)}" y="{TOP - 8}" text-anchor="middle" class="tick">{rank}</text>'
        )
    for i, row in enumerate(rows):
        y = TOP + i * ROW + ROW / 2
        lo, hi, med, base = x(row.low), x(row.high), x(row.median), x(row.baseline)
        parts.append(
            _label(left - 8, y + 4, row.label, left - 12)
            + f'<line x1="{lo}" y1="{y}" x2="{max(hi, lo + 1)}" y2="{y}" class="range">'
            f"<title>{escape(row.label)}: rank {row.low:g} to {row.high:g} in 90% of runs, "
            f"median {row.median:g}</title></line>"
            f'<line x1="{med}" y1="{y - 8}" x2="{med}" y2="{y + 8}" class="median"/>'
            f'<path d="M{base} {y - 6}L{base + 6} {y}L{base} {y + 6}L{base - 6} {y}Z" '
            f'class="baseline"/>'
            f'<text x="{width - RIGHT + 6}" y="{y + 4}" class="value">'
            f"{row.low:g}–{row.high:g}</text>"
        )
    return _svg(width, bottom + 6, label, parts)


def sobol_bars(groups: list[GroupBar], label: str, width: int = WIDTH, left: int = 160) -> Markup:
    """Per input group, a first-order and a total-order bar on 0-1, each with its bootstrap
    95 % interval as a whisker, and a legend."""
    span = width - left - RIGHT
    row = ROW + BAR_GAP - 4
    bottom = TOP + row * len(groups)

    def x(share: float) -> float:
        return round(left + max(0.0, min(1.0, share)) * span, 1)

    parts = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{x(tick)}" y1="{TOP - 4}" x2="{x(tick)}" y2="{bottom}" class="grid"/>'
            f'<text x="{x(tick)}" y="{TOP - 8}" text-anchor="middle" class="tick">{tick:g}</text>'
        )
    for i, g in enumerate(groups):
        y = TOP + i * row
        parts.append(_label(left - 8, y + row / 2 + 4, g.label, left - 12))
        for k, (value, ci, colour, name) in enumerate(
            (
                (g.first, g.first_ci, FIRST, "first-order"),
                (g.total, g.total_ci, TOTAL, "total-order"),
            )
        ):
            top = y + 4 + k * BAR_GAP
            end = x(value)
            parts.append(
                f'<rect x="{left}" y="{top}" width="{round(end - left, 1)}" height="10" '
                f'fill="{colour}"><title>{escape(g.label)}: {name} index {value:.2f} '
                f"± {ci:.2f}</title></rect>"
                f'<line x1="{x(value - ci)}" y1="{top + 5}" x2="{x(value + ci)}" y2="{top + 5}" '
                f'stroke="#111111" stroke-width="1"/>'
                f'<text x="{max(end, x(value + ci)) + 5}" y="{top + 9}" class="value">'
                f"{value:.2f}</text>"
            )
    legend = bottom + 16
    parts.append(
        f'<rect x="{left}" y="{legend - 9}" width="10" height="10" fill="{FIRST}"/>'
        f'<text x="{left + 14}" y="{legend}">first-order (the group alone)</text>'
        f'<rect x="{left + 220}" y="{legend - 9}" width="10" height="10" fill="{TOTAL}"/>'
        f'<text x="{left + 234}" y="{legend}">total-order (with its interactions)</text>'
    )
    return _svg(width, legend + 8, label, parts)
