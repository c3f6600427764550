"""Band colours for the HTML report's badges, bars and heat map (charts are plain HTML/CSS,
so their labels keep a readable size on a phone)."""

from __future__ import annotations

from dataclasses import dataclass

PALETTE = ("#1f5f99", "#4a98c9", "#d9b430", "#e0793a", "#b2182b")
"""Best to worst; blue-to-red reads for colour-blind readers too, and every use carries text."""
LIGHT = frozenset({"#4a98c9", "#d9b430", "#e0793a"})


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
