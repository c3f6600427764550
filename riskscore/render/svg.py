"""Inline SVG charts for the HTML report: pure functions of numbers, no scripts, no fonts."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#1f5f99", "#4a98c9", "#d9b430", "#e0793a", "#b2182b")
"""Best to worst; blue-to-red reads for colour-blind readers too, and every use carries text."""
LIGHT = frozenset({"#4a98c9", "#d9b430", "#e0793a"})

WIDTH = 760
LABEL = 290
RIGHT = 70
ROW = 26
TOP = 24
CHAR = 6.4
"""Average width of a 12px system-font character, to shorten labels that would not fit."""


@dataclass(frozen=True)
class BandScale:
    """A band as a chart needs it: where it starts on 0-100 and its colour."""

    id: str
    title: str
    min: float
    colour: str

    @property
    def ink(self) -> str:
        """Text colour that reads on the band colour (contrast of at least 4.5:1)."""
        return "#111111" if self.colour in LIGHT else "#ffffff"


@dataclass(frozen=True)
class Interval:
    """One project's score under re-weighting: baseline, 5th percentile, median, 95th."""

    label: str
    baseline: float
    low: float
    median: float
    high: float


def band_scales(bands: list[tuple[str, str, float]]) -> list[BandScale]:
    """Colours for bands given best first as (id, title, min), spread over the palette."""
    last = max(len(bands) - 1, 1)
    return [
        BandScale(bid, title, float(low), PALETTE[round(i * (len(PALETTE) - 1) / last)])
        for i, (bid, title, low) in enumerate(bands)
    ]


def band_of(score: float, bands: list[BandScale]) -> BandScale:
    """The first (best) band whose minimum the score reaches."""
    for band in bands:
        if score >= band.min:
            return band
    return bands[-1]


def _x(score: float, span: float, label: int = LABEL) -> float:
    return round(label + max(0.0, min(100.0, score)) / 100 * span, 1)


def _fit(text: str, room: float) -> str:
    """The text, cut with an ellipsis when it is wider than `room` pixels."""
    most = max(4, int(room / CHAR))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _axis(span: float, bottom: float, label: int = LABEL) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick, span, label)
        parts.append(
            f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{bottom}" class="grid"/>'
            f'<text x="{x}" y="{TOP - 8}" text-anchor="middle" class="tick">{tick}</text>'
        )
    return parts


def _svg(height: float, label: str, parts: list[str], width: int = WIDTH) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>" + "".join(parts) + "</svg>"
    )


def pillar_bars(
    pillars: list[tuple[str, float | None]],
    bands: list[BandScale],
    label: str,
    width: int = WIDTH,
    left: int = LABEL,
) -> Markup:
    """Horizontal 0-100 bars, one per pillar, coloured by the band the score falls in."""
    span = width - left - RIGHT
    bottom = TOP + ROW * len(pillars)
    parts = _axis(span, bottom, left)
    for i, (title, score) in enumerate(pillars):
        y = TOP + i * ROW
        mid = y + ROW / 2 + 4
        parts.append(
            f'<text x="{left - 8}" y="{mid}" text-anchor="end"><title>{escape(title)}</title>'
            f"{escape(_fit(title, left - 12))}</text>"
        )
        if score is None:
            parts.append(f'<text x="{left + 4}" y="{mid}" class="na">n/a</text>')
            continue
        band = band_of(score, bands)
        end = _x(score, span, left)
        parts.append(
            f'<rect x="{left}" y="{y + 5}" width="{round(end - left, 1)}" '
            f'height="{ROW - 10}" fill="{band.colour}"><title>{escape(title)}: '
            f"{score:.1f} ({escape(band.title)} range)</title></rect>"
            f'<text x="{end + 5}" y="{mid}" class="value">{score:.1f}</text>'
        )
    return _svg(bottom + 6, label, parts, width)


def interval_strip(
    rows: list[Interval], bands: list[BandScale], label: str, width: int = WIDTH, left: int = LABEL
) -> Markup:
    """Per row, the 5th-95th percentile range over band-tinted ground, median and baseline."""
    span = width - left - RIGHT
    bottom = TOP + ROW * len(rows)
    parts: list[str] = []
    upper = 100.0
    for band in bands:
        x0, x1 = _x(band.min, span, left), _x(upper, span, left)
        parts.append(
            f'<rect x="{x0}" y="{TOP}" width="{round(x1 - x0, 1)}" height="{ROW * len(rows)}" '
            f'fill="{band.colour}" fill-opacity="0.16"><title>{escape(band.title)}: '
            f"{band.min:g} to {upper:g}</title></rect>"
        )
        upper = band.min
    parts += _axis(span, bottom, left)
    for i, row in enumerate(rows):
        y = TOP + i * ROW + ROW / 2
        lo, hi, med, base = (
            _x(v, span, left) for v in (row.low, row.high, row.median, row.baseline)
        )
        parts.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">'
            f"<title>{escape(row.label)}</title>{escape(_fit(row.label, left - 12))}</text>"
            f'<line x1="{lo}" y1="{y}" x2="{max(hi, lo + 1)}" y2="{y}" class="range"/>'
            f'<line x1="{med}" y1="{y - 8}" x2="{med}" y2="{y + 8}" class="median"/>'
            f'<path d="M{base} {y - 6}L{base + 6} {y}L{base} {y + 6}L{base - 6} {y}Z" '
            f'class="baseline"/>'
            f'<text x="{width - RIGHT + 6}" y="{y + 4}" class="value">'
            f"{row.low:.0f}–{row.high:.0f}</text>"
        )
    return _svg(bottom + 6, label, parts, width)
