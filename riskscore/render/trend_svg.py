"""An inline SVG trend chart for the HTML report: one project's score at each committed version.

A pure function of numbers, drawn like the uncertainty charts (render/uncertainty_svg.py) with
the report's CSS classes: the bands as background zones on the 0-100 axis, the score range
(every unknown fact at worst / best) as a shaded band, the score as a line with one marker per
version. Versions are evenly spaced in commit order (several commits can share a day); the
table beside the chart carries every figure as text, so the chart needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from riskscore.render.svg import BandScale, band_of

WIDTH = 560
"""Chart width in SVG user units: at its natural size on a screen, and scaled by no more than
about 0.65 on a 390 px phone, so its 14-unit labels stay above 9 px."""
LEFT = 34
"""Room for the score ticks on the left."""
RIGHT = 104
"""Room for the band titles on the right."""
TOP = 10
PLOT = 170
"""Height of the 0-100 axis."""
AXIS = 40
"""Room below the plot for each version's short hash and date."""
PAD = 16
"""Space between the plot's edges and the first and last version."""
LABEL_WIDTH = 100
"""Widest a version's date label gets, in chart units: ten characters at the 17 px the phone
layout sets (render/templates/partials/style.css.j2)."""
LABEL_GAP = LABEL_WIDTH + 8
"""Least distance between two centred labels, so hash and date labels never touch."""
ZONE_TEXT = 16
"""Least height of a band zone that carries its title."""


@dataclass(frozen=True)
class TrendPoint:
    """One version on the x axis: `label` (short hash), `date` (YYYY-MM-DD or a word such as
    'uncommitted'), the score and its range on 0-100 (None when the version did not load),
    and `note`, the hover text (what changed)."""

    label: str
    date: str
    score: float | None
    low: float | None
    high: float | None
    note: str


def _y(score: float) -> float:
    return round(TOP + (100 - max(0.0, min(100.0, score))) * PLOT / 100, 1)


def _extent(i: int, count: int, x: float) -> tuple[float, float]:
    """Left and right edge of version i's label: the first is written from its point leftwards
    by PAD and runs right, the last ends PAD right of its point, the others are centred."""
    if count > 1 and i == 0:
        return x - PAD, x - PAD + LABEL_WIDTH
    if count > 1 and i == count - 1:
        return x + PAD - LABEL_WIDTH, x + PAD
    return x - LABEL_WIDTH / 2, x + LABEL_WIDTH / 2


def _labelled(xs: list[float]) -> list[int]:
    """Indexes of the versions whose hash and date are written under the axis: the last one,
    then walking back, every one whose label ends at least LABEL_GAP - LABEL_WIDTH before the
    label after it starts (the first and last labels are anchored at their ends)."""
    count = len(xs)
    keep = [count - 1]
    for i in range(count - 2, -1, -1):
        right = _extent(i, count, xs[i])[1]
        left = _extent(keep[-1], count, xs[keep[-1]])[0]
        if left - right >= LABEL_GAP - LABEL_WIDTH:
            keep.append(i)
    return sorted(keep)


def _zones(bands: list[BandScale], right: float) -> list[str]:
    parts = []
    upper = 100.0
    for band in bands:  # best first
        top, bottom = _y(upper), _y(band.min)
        parts.append(
            f'<rect x="{LEFT}" y="{top}" width="{right - LEFT}" height="{round(bottom - top, 1)}" '
            f'fill="{band.colour}" class="zone"/>'
        )
        if bottom - top >= ZONE_TEXT:
            parts.append(
                f'<text x="{right + 6}" y="{round((top + bottom) / 2 + 4, 1)}" class="tick">'
                f"{escape(band.title)}</text>"
            )
        if band.min > 0:
            parts.append(
                f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" class="grid"/>'
                f'<text x="{LEFT - 5}" y="{bottom + 4}" text-anchor="end" class="tick">'
                f"{band.min:g}</text>"
            )
        upper = band.min
    for tick in (0, 100):
        parts.append(
            f'<text x="{LEFT - 5}" y="{_y(tick) + 4}" text-anchor="end" class="tick">{tick}</text>'
        )
    return parts


def _end(point: TrendPoint, end: float | None) -> float:
    """One end of the point's range; the score itself when no range is known."""
    return end if end is not None else point.score or 0.0


def _runs(points: list[TrendPoint]) -> list[list[int]]:
    """Runs of consecutive versions that loaded: the line and the range break at a gap."""
    runs: list[list[int]] = [[]]
    for i, p in enumerate(points):
        if p.score is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [r for r in runs if r]


def trend_chart(points: list[TrendPoint], bands: list[BandScale], label: str) -> Markup:
    """The chart of `points` (oldest first, at least one loaded) over `bands` (best first).

    Background zones show the bands between their cut-offs; the shaded band joins each
    version's score range; the line joins the scores; each marker is filled with its band's
    colour and carries a <title> (version, date, score, range, what changed).
    """
    right = WIDTH - RIGHT
    step = (right - LEFT - 2 * PAD) / max(len(points) - 1, 1)
    xs = [round(LEFT + PAD + i * step, 1) for i in range(len(points))]
    bottom = TOP + PLOT
    parts = _zones(bands, right)
    for run in _runs(points):
        upper = [f"{xs[i]},{_y(_end(points[i], points[i].high))}" for i in run]
        lower = [f"{xs[i]},{_y(_end(points[i], points[i].low))}" for i in reversed(run)]
        parts.append(f'<polygon points="{" ".join(upper + lower)}" class="spread"/>')
        line = " ".join(f"{xs[i]},{_y(_end(points[i], points[i].score))}" for i in run)
        parts.append(f'<polyline points="{line}" class="trend-line"/>')
    for i, p in enumerate(points):
        if p.score is None:
            parts.append(
                f'<text x="{xs[i]}" y="{bottom - 6}" text-anchor="middle" class="na">'
                f"<title>{escape(p.label)} ({escape(p.date)}): {escape(p.note)}</title>–</text>"
            )
            continue
        colour = band_of(p.score, bands).colour
        parts.append(
            f'<circle cx="{xs[i]}" cy="{_y(p.score)}" r="5" fill="{colour}" class="marker">'
            f"<title>{escape(p.label)} ({escape(p.date)}): {p.score:.2f}, range "
            f"{_end(p, p.low):.2f}–{_end(p, p.high):.2f}. {escape(p.note)}</title></circle>"
        )
    shown = _labelled(xs)
    for i in shown:
        anchor = "start" if i == 0 and len(shown) > 1 else "middle"
        anchor = "end" if i == len(points) - 1 and len(points) > 1 else anchor
        x = xs[i] - PAD if anchor == "start" else xs[i] + PAD if anchor == "end" else xs[i]
        parts.append(
            f'<text x="{x}" y="{bottom + 16}" text-anchor="{anchor}" class="tick mono">'
            f"{escape(points[i].label)}</text>"
            f'<text x="{x}" y="{bottom + 32}" text-anchor="{anchor}" class="tick">'
            f"{escape(points[i].date)}</text>"
        )
    height = bottom + AXIS
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'class="trend-chart"><title>{escape(label)}</title>' + "".join(parts) + "</svg>"
    )
