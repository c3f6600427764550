"""Aggregation and banding: criterion scores to pillar and overall scores, then a band.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted arithmetic mean of the
counted criteria) -> overall 0-100 (weighted arithmetic mean of the scored pillars) -> the
best band whose minimum and per-pillar minimum are met -> red-flag gates may cap the band
(OECD/JRC Handbook on Composite Indicators, 2008, section 6 on aggregation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from riskscore.engine.scorecard import Flag
from riskscore.load.criteria.criteria_set import CriteriaSet

EPS = 1e-9
"""Tolerance when a score is compared with a band or pillar minimum."""


@dataclass(frozen=True)
class Aggregate:
    """Pillar scores, pillar shares, each criterion's possible points, and the overall score."""

    pillar_scores: dict[str, float | None]
    shares: dict[str, float]
    max_points: dict[str, float]
    overall: float


def aggregate(
    items: Sequence[tuple[str, str, float, float | None]], pillar_weights: Mapping[str, float]
) -> Aggregate:
    """The one aggregation rule, shared by evaluate() and the sensitivity analysis.

    `items` are (criterion id, pillar id, weight, score in [0, 1] or None when the criterion
    does not count). A pillar is the weighted mean of its counted criteria (x100); the overall
    score is the weighted mean of the pillars that have any counted criterion.
    """
    sums: dict[str, float] = dict.fromkeys(pillar_weights, 0.0)
    earned: dict[str, float] = dict.fromkeys(pillar_weights, 0.0)
    for _, pillar, weight, score in items:
        if score is not None:
            sums[pillar] += weight
            earned[pillar] += weight * score
    pillar_scores = {p: (100 * earned[p] / sums[p] if sums[p] else None) for p in pillar_weights}
    total = sum(w for p, w in pillar_weights.items() if pillar_scores[p] is not None)
    shares = {
        p: (w / total if total and pillar_scores[p] is not None else 0.0)
        for p, w in pillar_weights.items()
    }
    max_points = {
        cid: (100 * shares[pillar] * weight / sums[pillar] if score is not None else 0.0)
        for cid, pillar, weight, score in items
    }
    overall = sum(shares[p] * (pillar_scores[p] or 0.0) for p in pillar_weights)
    return Aggregate(pillar_scores, shares, max_points, overall)


def band_for(
    overall: float,
    pillars: dict[str, float | None],
    cset: CriteriaSet,
) -> tuple[str, list[str]]:
    """The best band whose minimum (and per-pillar minimum) the scores reach, with notes on
    bands refused for a weak pillar."""
    notes: list[str] = []
    bands = cset.header.bands
    for band in bands:
        if overall + EPS < band.min:
            continue
        if band.pillar_min is not None:
            weak = [
                f"{p} {s:.1f}"
                for p, s in pillars.items()
                if s is not None and s + EPS < band.pillar_min
            ]
            if weak:
                notes.append(
                    f"not {band.title}: needs every pillar at {band.pillar_min:g} or "
                    f"more, but {', '.join(weak)}"
                )
                continue
        return band.id, notes
    return bands[-1].id, notes


def cap_band(band_id: str, flags: list[Flag], cset: CriteriaSet, notes: list[str]) -> str:
    """The band after red flags cap it (a cap never raises a band); appends a note per cap."""
    order = [b.id for b in cset.header.bands]
    worst = order.index(band_id)
    for flag in flags:
        cap = order.index(flag.cap)
        if cap > worst:
            notes.append(f"capped at {flag.cap} by red flag {flag.criterion}")
            worst = cap
    return order[worst]
