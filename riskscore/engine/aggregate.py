"""Aggregation and banding: criterion scores to pillar and overall scores, then a band.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted arithmetic mean of the
counted criteria) -> overall 0-100 (weighted arithmetic mean of the scored pillars) -> the
best band whose minimum and per-pillar minimum are met -> critical-criterion floors (IRMA
Standard v1.0 critical requirements) and red-flag gates may cap the band (OECD/JRC Handbook on
Composite Indicators, 2008, section 6 on aggregation).

`aggregate()` is the engine's, exact: weights are whole numbers of the set's weight unit
(engine.plan), scores `Fraction`s, every mean taken over a common denominator
(`rules.weighted_mean`). The uncertainty
analysis draws float weights by the thousand and converts nothing: it calls
`aggregate_float()`, the same rule in float arithmetic, and `band_for()` then compares float
scores with band minimums within a small tolerance `EPS` (exact scores: none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

from riskscore.engine.rules import ZERO, holds, q, round_half_up, weighted_mean
from riskscore.load.criteria.criteria_set import CriteriaSet

EPS = 1e-9
"""Tolerance when a float score is compared with a band or pillar minimum (exact: none)."""


@dataclass(frozen=True)
class Aggregate:
    """Pillar scores (0-100, None when no criterion of the pillar counts), pillar shares of
    the overall score (0-1), each criterion's possible points (0-100) and the overall score
    (0-100), exact."""

    pillar_scores: dict[str, Fraction | None]
    shares: dict[str, Fraction]
    max_points: dict[str, Fraction]
    overall: Fraction


@dataclass(frozen=True)
class FloatAggregate:
    """Aggregate's fields as floats (aggregate_float)."""

    pillar_scores: dict[str, float | None]
    shares: dict[str, float]
    max_points: dict[str, float]
    overall: float


Item = tuple[str, str, int, Fraction | None]
"""(criterion id, pillar id, weight in the set's weight unit, score in [0, 1] or None when
the criterion does not count)."""


def aggregate(
    items: Sequence[Item], pillar_weights: Mapping[str, int], with_points: bool = True
) -> Aggregate:
    """The one aggregation rule (OECD/JRC Handbook weighted arithmetic mean), exact.

    A pillar's score is 100 x the weighted mean of its counted criteria's scores; the overall
    score the weighted mean of the pillars that have a counted criterion, by `pillar_weights`
    (whole numbers of the same weight unit as the items' weights, engine.plan.pillar_weights).
    A pillar's share is its weight over the scored pillars' weight (0 when not scored); a
    counted criterion's possible points are 100 x its pillar's share x its weight over its
    pillar's counted weight (0 when it does not count). `with_points=False` leaves `shares`
    and `max_points` empty when only the scores are needed (every point of the score range).

    The pillar means are rules.weighted_mean's arithmetic for every pillar at once: each
    counted score is put over `den`, the least common denominator of them all, so a pillar's
    weighted sum is a sum of integers and one Fraction is built per pillar.
    """
    counted = [(pillar, weight, score) for _, pillar, weight, score in items if score is not None]
    den = lcm(*[score.denominator for _, _, score in counted])
    weight_sum = dict.fromkeys(pillar_weights, 0)
    earned = dict.fromkeys(pillar_weights, 0)  # sum of weight x score, in units of 1 / den
    for pillar, weight, score in counted:
        weight_sum[pillar] += weight
        earned[pillar] += weight * score.numerator * (den // score.denominator)
    pillar_scores, overall = pillar_means(pillar_weights, weight_sum, earned, den)
    scored = {p: s for p, s in pillar_scores.items() if s is not None}
    if not with_points:
        return Aggregate(pillar_scores, {}, {}, overall)
    total = sum(pillar_weights[p] for p in scored)
    shares = {p: Fraction(w, total) if p in scored else ZERO for p, w in pillar_weights.items()}
    max_points = {
        cid: (
            Fraction(100 * pillar_weights[pillar] * weight, total * weight_sum[pillar])
            if score is not None
            else ZERO
        )
        for cid, pillar, weight, score in items
    }
    return Aggregate(pillar_scores, shares, max_points, overall)


def pillar_means(
    pillar_weights: Mapping[str, int],
    weight_sum: Mapping[str, int],
    earned: Mapping[str, int],
    den: int,
) -> tuple[dict[str, Fraction | None], Fraction]:
    """(each pillar's score, the overall score) from each pillar's counted weight and its
    weighted sum of criterion scores in units of 1 / `den`: a pillar's score is
    100 x earned / (den x weight), None when nothing of it counts; the overall score is the
    weighted mean of the scored pillars by `pillar_weights` (0 when none is scored). The last
    step of aggregate(), shared with the score range (engine.judge._best_points)."""
    pillar_scores = {
        p: Fraction(100 * earned[p], den * weight_sum[p]) if weight_sum[p] else None
        for p in pillar_weights
    }
    scored = {p: s for p, s in pillar_scores.items() if s is not None}
    overall = weighted_mean([pillar_weights[p] for p in scored], list(scored.values()))
    return pillar_scores, ZERO if overall is None else overall


def aggregate_float(
    items: Sequence[tuple[str, str, float, float | None]], pillar_weights: Mapping[str, float]
) -> FloatAggregate:
    """aggregate() in float arithmetic, for the uncertainty analysis (analysis/uncertainty,
    analysis/shares.py, analysis/effective_weights.py), which draws float weights: the same
    rule and the same fields, as floats (binary noise included; `EPS` absorbs it in
    band_for())."""
    sums: dict[str, float] = dict.fromkeys(pillar_weights, 0)
    earned: dict[str, float] = dict.fromkeys(pillar_weights, 0)
    for _, pillar, weight, score in items:
        if score is not None:
            sums[pillar] += weight
            earned[pillar] += weight * score
    pillar_scores = {p: (100 * earned[p] / sums[p] if sums[p] else None) for p in pillar_weights}
    total = sum(w for p, w in pillar_weights.items() if pillar_scores[p] is not None)
    shares = {
        p: (w / total if total and pillar_scores[p] is not None else 0)
        for p, w in pillar_weights.items()
    }
    max_points = {
        cid: (100 * shares[pillar] * weight / sums[pillar] if score is not None else 0)
        for cid, pillar, weight, score in items
    }
    overall = sum(shares[p] * (pillar_scores[p] or 0) for p in pillar_weights)
    return FloatAggregate(pillar_scores, shares, max_points, overall)


def _below(x: Any, limit: Any) -> bool:
    if isinstance(x, Fraction):
        # q() is Fraction(str(limit)) for a float, cached: band_for() asks per band and pillar
        return bool(x < q(limit) if isinstance(limit, float) else x < limit)
    return bool(x + EPS < limit)


def _show(x: Any) -> str:
    # two decimals, as every output prints a pillar score (the set's rounding.score_digits)
    return f"{round_half_up(Fraction(x), 2):.2f}" if isinstance(x, Fraction) else f"{x:.2f}"


def band_for(overall: Any, pillars: Mapping[str, Any], cset: CriteriaSet) -> tuple[str, list[str]]:
    """The best band whose minimum (and per-pillar minimum) the scores reach, with notes on
    bands refused for a weak pillar ("not Good: needs every pillar at 50 or more, but ...")."""
    notes: list[str] = []
    bands = cset.header.bands
    titles = {p.id: p.title for p in cset.header.pillars}
    for band in bands:
        if _below(overall, band.min):
            continue
        if band.pillar_min is not None:
            weak = [
                f"{titles.get(p, p)} {_show(s)}"
                for p, s in pillars.items()
                if s is not None and _below(s, band.pillar_min)
            ]
            if weak:
                notes.append(
                    f"not {band.title}: needs every pillar at {band.pillar_min:g} or "
                    f"more, but {', '.join(weak)}"
                )
                continue
        return band.id, notes
    return bands[-1].id, notes


def score_band(overall: Any, cset: CriteriaSet) -> str:
    """The band the overall score alone reaches (no pillar minimum, floor or gate)."""
    for band in cset.header.bands:
        if not _below(overall, band.min):
            return band.id
    return cset.header.bands[-1].id


def cap_band(band_id: str, flags: Sequence[Any], cset: CriteriaSet, notes: list[str]) -> str:
    """The band after red flags cap it (a cap never raises a band); appends a note per cap.

    `flags` are objects with `.cap` (a band id) and `.criterion`."""
    order = [b.id for b in cset.header.bands]
    worst = order.index(band_id)
    for flag in flags:
        cap = order.index(flag.cap)
        if cap > worst:
            notes.append(f"capped at {flag.cap} by red flag {flag.criterion}")
            worst = cap
    return order[worst]


def floor_caps(
    scores: Mapping[str, Fraction | None],
    applies: Mapping[str, bool],
    cset: CriteriaSet,
    values: Mapping[str, Any] | None = None,
    mode: str = "stated",
) -> list[tuple[str, str, str, Fraction]]:
    """Critical-criterion floors not met: (cap band id, floor band id, criterion id, minimum).

    A floor on band F not met caps the band at the one below F. A critical criterion that does
    not apply is skipped; one with no score counts as not met. A floor with a `when` condition
    applies where it holds on `values`; where it depends on unknown facts it applies except at
    the best end of the range (`mode` "best", every unknown at its best value). Without
    `values` every floor applies."""
    order = [b.id for b in cset.header.bands]
    out: list[tuple[str, str, str, Fraction]] = []
    for floor in cset.header.critical:
        i = order.index(floor.band)
        if i + 1 >= len(order):
            continue
        if floor.when is not None and values is not None:
            held = holds(floor.when, values)
            if held is False or (held is None and mode == "best"):
                continue
        for cid in floor.criteria:
            if not applies.get(cid, True):
                continue
            s = scores.get(cid)
            least = q(floor.min)
            if s is None or s < least:
                out.append((order[i + 1], floor.band, cid, least))
    return out
