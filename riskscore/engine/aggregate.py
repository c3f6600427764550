"""Aggregation and banding: criterion scores to pillar and overall scores, then a band.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted arithmetic mean of the
counted criteria) -> overall 0-100 (weighted arithmetic mean of the scored pillars) -> the
best band whose minimum and per-pillar minimum are met -> critical-criterion floors (IRMA
Standard v1.0 critical requirements) and red-flag gates may cap the band (OECD/JRC Handbook on
Composite Indicators, 2008, section 6 on aggregation).

The engine passes exact `Fraction`s; the sensitivity analysis passes floats (then a small
tolerance `EPS` absorbs binary noise when scores meet band minimums).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from riskscore.engine.rules import add_exact, holds, q, round_half_up
from riskscore.load.criteria.criteria_set import CriteriaSet

EPS = 1e-9
"""Tolerance when a float score is compared with a band or pillar minimum (exact: none)."""


@dataclass(frozen=True)
class Aggregate:
    """Pillar scores, pillar shares, each criterion's possible points, and the overall score."""

    pillar_scores: dict[str, Any]
    shares: dict[str, Any]
    max_points: dict[str, Any]
    overall: Any


def aggregate(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Any],
    with_points: bool = True,
    memo: dict[tuple[bool, ...], Any] | None = None,
) -> Aggregate:
    """The one aggregation rule, shared by evaluate() and the sensitivity analysis.

    `items` are (criterion id, pillar id, weight, score in [0, 1] or None when the criterion
    does not count). A pillar is the weighted mean of its counted criteria (x100); the overall
    score is the weighted mean of the pillars that have any counted criterion. Exact when the
    inputs are Fractions, float when they are floats. `with_points=False` skips each
    criterion's possible points (left empty) when only the scores are needed.

    With Fraction (or int) pillar weights the sums run on plain integers (`_aggregate_exact`),
    which gives the same exact values several times faster than Fraction arithmetic. `memo`,
    a dict the caller keeps for exact items (Fraction weights and scores) that always carry
    the same ids, pillars and weights in the same order (one criteria set:
    `engine.plan.aggregation_memo`), remembers what depends only on which items count
    (weight sums, pillar shares, possible points); the returned
    `shares` and `max_points` are then shared and must not be changed.
    """
    if _exact_path(items, pillar_weights, memo):
        return _aggregate_exact(items, pillar_weights, with_points, memo)
    return aggregate_reference(items, pillar_weights, with_points)


def possible_points(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Any],
    memo: dict[tuple[bool, ...], Any] | None = None,
) -> dict[str, Any]:
    """aggregate(items, pillar_weights, memo=memo).max_points, without the scores.

    Possible points depend only on which items count, so the exact path answers from the
    memo entry of that pattern without summing any score (evidence coverage asks for the
    points of every applicable criterion and nothing else)."""
    if _exact_path(items, pillar_weights, memo):
        return _max_points(items, _counted_for(items, pillar_weights, memo))
    return aggregate_reference(items, pillar_weights).max_points


def _exact_path(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Any],
    memo: dict[tuple[bool, ...], Any] | None,
) -> bool:
    """Whether aggregation runs on integers (`_aggregate_exact`): a memo, or exact inputs."""
    return memo is not None or (
        all(type(w) is Fraction for w in pillar_weights.values())
        and all(type(w) in _EXACT and type(s) in _EXACT_OR_NONE for _, _, w, s in items)
    )


def aggregate_reference(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Any],
    with_points: bool = True,
) -> Aggregate:
    """aggregate() by plain arithmetic on whatever numbers it is given (floats, Fractions):
    the definition `_aggregate_exact` must agree with (tests/test_fast_exact.py)."""
    sums: dict[str, Any] = dict.fromkeys(pillar_weights, 0)
    earned: dict[str, Any] = dict.fromkeys(pillar_weights, 0)
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
    max_points = (
        {
            cid: (100 * shares[pillar] * weight / sums[pillar] if score is not None else 0)
            for cid, pillar, weight, score in items
        }
        if with_points
        else {}
    )
    overall = sum(shares[p] * (pillar_scores[p] or 0) for p in pillar_weights)
    return Aggregate(pillar_scores, shares, max_points, overall)


_EXACT = (Fraction, int)
_EXACT_OR_NONE = (Fraction, int, type(None))


def _aggregate_exact(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Fraction],
    with_points: bool,
    memo: dict[tuple[bool, ...], _Counted] | None = None,
) -> Aggregate:
    """aggregate() for exact inputs: weighted sums as unreduced integer numerator /
    denominator pairs, turned into one reduced Fraction per result. Rational arithmetic has
    one answer, so every value equals aggregate_reference()'s, to the last digit."""
    counted = _counted_for(items, pillar_weights, memo)
    earned = {p: [0, 1] for p in pillar_weights}
    for i, pillar, wn, wd in counted.terms:
        score = items[i][3]
        add_exact(earned[pillar], wn * score.numerator, wd * score.denominator)
    pillar_scores: dict[str, Any] = {}
    overall = [0, 1]
    for p in pillar_weights:
        sums = counted.sums[p]
        if sums is None:
            pillar_scores[p] = None
            continue
        sn, sd = sums
        en, ed = earned[p]
        score = pillar_scores[p] = Fraction(100 * en * sd, ed * sn)
        share = counted.shares[p]
        add_exact(overall, share.numerator * score.numerator, share.denominator * score.denominator)
    max_points = _max_points(items, counted) if with_points else {}
    return Aggregate(pillar_scores, counted.shares, max_points, Fraction(overall[0], overall[1]))


@dataclass
class _Counted:
    """What aggregation needs that depends only on which items count, not on their scores."""

    weights: list[tuple[int, int] | None]  # each item's weight as (numerator, denominator)
    # (index, pillar, weight numerator, weight denominator) of each item that counts, in order:
    # the score sums visit only these
    terms: list[tuple[int, str, int, int]]
    sums: dict[str, tuple[int, int] | None]  # each pillar's weight sum; None: nothing counts
    shares: dict[str, Any]  # each pillar's share of the overall score (0 when not scored)
    # Each item's possible points, built by the first call that asks for them (_max_points):
    # most patterns (the score range's) are only ever aggregated with_points=False.
    max_points: dict[str, Any] | None = None


MEMO_SIZE = 1024
"""Patterns of counted criteria remembered per criteria set."""


def _counted_for(
    items: Sequence[tuple[str, str, Any, Any]],
    pillar_weights: Mapping[str, Fraction],
    memo: dict[tuple[bool, ...], _Counted] | None,
) -> _Counted:
    """`_counted(items, pillar_weights)`, from `memo` when it holds the items' pattern."""
    if memo is None:
        return _counted(items, pillar_weights)
    key = tuple([s is not None for _, _, _, s in items])
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        found = memo[key] = _counted(items, pillar_weights)
    return found


def _counted(
    items: Sequence[tuple[str, str, Any, Any]], pillar_weights: Mapping[str, Fraction]
) -> _Counted:
    acc = {p: [0, 1] for p in pillar_weights}
    weights: list[tuple[int, int] | None] = []
    terms: list[tuple[int, str, int, int]] = []
    for i, (_, pillar, weight, score) in enumerate(items):
        if score is None:
            weights.append(None)
            continue
        wn, wd = weight.numerator, weight.denominator
        weights.append((wn, wd))
        terms.append((i, pillar, wn, wd))
        add_exact(acc[pillar], wn, wd)
    sums: dict[str, tuple[int, int] | None] = {
        p: (n, d) if n else None for p, (n, d) in acc.items()
    }
    total = [0, 1]
    for p, w in pillar_weights.items():
        if sums[p] is not None:
            add_exact(total, w.numerator, w.denominator)
    tn, td = total
    shares: dict[str, Any] = {
        p: Fraction(w.numerator * td, w.denominator * tn) if tn and sums[p] is not None else 0
        for p, w in pillar_weights.items()
    }
    return _Counted(weights, terms, sums, shares)


def _max_points(items: Sequence[tuple[str, str, Any, Any]], counted: _Counted) -> dict[str, Any]:
    """Each item's possible points, built once per `counted` (the items of one memo key carry
    the same ids, pillars and weights, so the points are the same for all of them)."""
    if counted.max_points is not None:
        return counted.max_points
    max_points: dict[str, Any] = {}
    for (cid, pillar, _, _), ints in zip(items, counted.weights, strict=True):
        if ints is None:
            max_points[cid] = 0
            continue
        share = counted.shares[pillar]
        sn, sd = counted.sums[pillar]  # type: ignore[misc]
        max_points[cid] = Fraction(
            100 * share.numerator * ints[0] * sd, share.denominator * ints[1] * sn
        )
    counted.max_points = max_points
    return max_points


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
