"""Judge a profile's facts under one mode: criterion scores, aggregate, band and what decided it.

evaluate() judges at the stated facts ("stated": every unknown fact scores 0, method v3) and
at the best end ("best": every unknown fact at its highest allowed value), giving the score
range and band range. Both ends use the same caps: pillar minimums, critical floors and the
red flags whose facts are stated and trip them (verified). A red flag whose facts are unknown
(unverified) caps neither end; evaluate() lists it (docs/methodology.md, P3).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

from riskscore.engine.aggregate import (
    Aggregate,
    aggregate,
    band_for,
    floor_caps,
    pillar_means,
    score_band,
)
from riskscore.engine.criterion import applicable, score_plan
from riskscore.engine.plan import CriterionPlan, critical_plans, pillar_weights, plan_for
from riskscore.engine.rules import Mode, PartScores, holds, q, rounded
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Gate


@dataclass(frozen=True)
class Cap:
    """Something that held the band below what the score reached."""

    kind: str  # "gate", "floor", "pillar"
    band: str  # the band it caps at
    criterion: str | None
    text: str


@dataclass(frozen=True)
class Judgement:
    outcomes: list[PartScores | None]
    agg: Aggregate
    score_band: str  # what the overall score alone reaches
    band_before_caps: str  # after pillar minimums
    band: str  # after floors and gates
    notes: list[str]
    caps: list[Cap]  # every cap that applied, worst last
    gates: list[tuple[CriterionPlan, Gate, bool | None]]  # each gate and its condition's truth


def judge(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    mode: Mode,
    not_applicable: frozenset[str] = frozenset(),
    lapsed: frozenset[int] = frozenset(),
) -> Judgement:
    """Score every criterion, aggregate, and band (pillar minimums, critical floors, gates).

    Criteria named in `not_applicable` are treated as not applicable (the range explores
    both answers for a criterion whose applicability depends on unknown facts). `lapsed`
    holds the `id()` of gates whose tripping evidence is older than their `window_months`:
    they trip but cap nothing (evaluate() lists them as lapsed)."""
    plan = plan_for(cset)
    head = cset.header
    outcomes, agg = _scored(cset, values, stage, mode, not_applicable, mode == "stated")
    overall, pillars = _judged(agg, cset)
    by_score = score_band(overall, cset)
    before, notes = band_for(overall, pillars, cset)
    order = [b.id for b in head.bands]
    titles = {b.id: b.title for b in head.bands}
    caps: list[Cap] = []
    if before != by_score:
        refused = head.bands[order.index(by_score)]
        ptitles = {p.id: p.title for p in head.pillars}
        weak = [
            (p, s) for p, s in pillars.items() if s is not None and s < q(refused.pillar_min or 0)
        ]
        text = ", ".join(f"{ptitles[p]} {float(rounded(s, 2)):.2f}" for p, s in weak)
        caps.append(
            Cap(
                "pillar",
                before,
                None,
                f"{text} {'is' if len(weak) == 1 else 'are'} under the "
                f"{refused.pillar_min:g} that {refused.title} requires of every pillar",
            )
        )
    scores, applies = _scores_and_applies(plan, outcomes)
    ctitles = {c.crit.id: c.crit.title for c in plan}
    for cap_at, floor_band, cid, least in floor_caps(scores, applies, cset, values, mode):
        s = scores[cid]
        shown = "unknown" if s is None else f"{float(rounded(s, 2)):.2f}"
        caps.append(
            Cap(
                "floor",
                cap_at,
                cid,
                f"critical criterion '{ctitles[cid]}' scores {shown}, under the "
                f"{float(least):.2f} that {titles[floor_band]} requires, so the band is at most "
                f"{titles[cap_at]}",
            )
        )
    gates: list[tuple[CriterionPlan, Gate, bool | None]] = []
    for c, gate, result, trips in _gates(plan, outcomes, values, mode):
        gates.append((c, gate, result))
        if trips and id(gate) not in lapsed:
            facts = ", ".join(
                f"{f} = {_plain(values[f])}" for f in _gate_fact_ids(c, gate) if f in values
            )
            caps.append(
                Cap(
                    "gate",
                    gate.cap,
                    c.crit.id,
                    f"verified red flag {c.crit.id} ({facts}) caps the band at {titles[gate.cap]}",
                )
            )
    final = max([order.index(before), *(order.index(cap.band) for cap in caps)])
    caps.sort(key=lambda c: order.index(c.band))
    return Judgement(outcomes, agg, by_score, before, order[final], notes, caps, gates)


def _scored(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    mode: Mode,
    not_applicable: frozenset[str],
    with_points: bool,
) -> tuple[list[PartScores | None], Aggregate]:
    """Every criterion's outcome (None: not applicable) and their aggregate."""
    outcomes = _outcomes(cset, values, stage, mode, not_applicable)
    return outcomes, _aggregated(cset, outcomes, with_points)


def _outcomes(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    mode: Mode,
    not_applicable: frozenset[str],
) -> list[PartScores | None]:
    """Every criterion's outcome in plan order (None: not applicable)."""
    return [
        None if c.crit.id in not_applicable else score_plan(c, values, stage, mode)
        for c in plan_for(cset)
    ]


def _aggregated(
    cset: CriteriaSet, outcomes: list[PartScores | None], with_points: bool
) -> Aggregate:
    """The aggregate of every criterion's outcome, in plan order."""
    plan = plan_for(cset)
    return aggregate(
        [
            (c.crit.id, c.crit.pillar, c.weight, None if o is None else o[0])
            for c, o in zip(plan, outcomes, strict=True)
        ],
        pillar_weights(cset),
        with_points=with_points,
    )


def _judged(agg: Aggregate, cset: CriteriaSet) -> tuple[Fraction, dict[str, Fraction | None]]:
    """The overall and pillar scores as bands judge them (printed or exact, per the set)."""
    digits = cset.header.rounding.score_digits
    if cset.header.rounding.bands_judged_on != "printed":
        return agg.overall, dict(agg.pillar_scores)
    return rounded(agg.overall, digits), {
        k: None if v is None else rounded(v, digits) for k, v in agg.pillar_scores.items()
    }


def range_point(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    mode: Mode,
    not_applicable: frozenset[str] = frozenset(),
    lapsed: frozenset[int] = frozenset(),
) -> tuple[Fraction, str]:
    """(overall score, band) exactly as judge() gives them, without the notes and cap texts
    that only the stated judgement shows, every criterion scored afresh. The reference
    definition of one point of the range: score_range() reuses outcomes across points
    (`_point`), and tests/test_fast_exact.py checks it against this."""
    outcomes = _outcomes(cset, values, stage, mode, not_applicable)
    truths = _gate_truths(plan_for(cset), outcomes, values)
    return _point(cset, mode, outcomes, truths, values, lapsed)


GateTruths = list[tuple[tuple[Gate, bool | None], ...] | None]
"""Per criterion in plan order: each gate with its condition's truth (None: not evaluated)."""


def _gate_truths(
    plan: tuple[CriterionPlan, ...], outcomes: list[PartScores | None], values: dict[str, Any]
) -> GateTruths:
    """Each gate's truth for every criterion that applies in `outcomes`, as _gates() reads it:
    the truth depends on the values alone, so the score range evaluates it once, and only for
    criteria that apply (a range point forces criteria off, never on)."""
    return [
        None if o is None else tuple((gate, holds(gate.when, values)) for gate, _ in c.gates)
        for c, o in zip(plan, outcomes, strict=True)
    ]


def _point(
    cset: CriteriaSet,
    mode: Mode,
    outcomes: list[PartScores | None],
    truths: GateTruths,
    values: dict[str, Any],
    lapsed: frozenset[int] = frozenset(),
) -> tuple[Fraction, str]:
    """range_point() given the criterion outcomes (`_outcomes`) it judges and the truth of the
    gates of (at least) every criterion that applies in them (`_gate_truths`).

    The band is judge()'s: floor_caps() reads only the criteria critical floors name, so only
    they are mapped, and a gate trips as _gates() says: when its condition holds on stated
    facts and its evidence has not lapsed."""
    agg = _aggregated(cset, outcomes, False)
    overall, pillars = _judged(agg, cset)
    before, _ = band_for(overall, pillars, cset)
    order = [b.id for b in cset.header.bands]
    final = order.index(before)
    floors = [(cid, outcomes[i]) for i, cid in critical_plans(cset)]
    final = max(final, _floor_cap(cset, floors, values, mode))
    for o, gates in zip(outcomes, truths, strict=True):
        if o is None or gates is None:
            continue
        for gate, result in gates:
            if _trips(result, mode) and id(gate) not in lapsed:
                final = max(final, order.index(gate.cap))
    return agg.overall, order[final]


def _floor_cap(
    cset: CriteriaSet,
    floors: list[tuple[str, PartScores | None]],
    values: dict[str, Any],
    mode: Mode,
) -> int:
    """The index in the set's band order of the worst cap the critical floors put on the band
    (0 when none does), given (criterion id, outcome) for every criterion a floor names."""
    order = [b.id for b in cset.header.bands]
    scores = {cid: None if o is None else o[0] for cid, o in floors}
    applies = {cid: o is not None for cid, o in floors}
    caps = floor_caps(scores, applies, cset, values, mode)
    return max([order.index(cap_at) for cap_at, *_ in caps], default=0)


def _scores_and_applies(
    plan: tuple[CriterionPlan, ...], outcomes: list[PartScores | None]
) -> tuple[dict[str, Fraction | None], dict[str, bool]]:
    """Each criterion's score (None: unknown or not applicable) and whether it applies, as
    floor_caps() reads them."""
    scores = {c.crit.id: (None if o is None else o[0]) for c, o in zip(plan, outcomes, strict=True)}
    applies = {c.crit.id: o is not None for c, o in zip(plan, outcomes, strict=True)}
    return scores, applies


def _gates(
    plan: tuple[CriterionPlan, ...],
    outcomes: list[PartScores | None],
    values: dict[str, Any],
    mode: Mode,
) -> Iterator[tuple[CriterionPlan, Gate, bool | None, bool]]:
    """Every gate of an applicable criterion: (criterion, gate, its condition's truth, whether
    it trips). A gate trips when its condition holds on stated facts (verified); one whose facts
    are unknown is unverified and trips in no mode."""
    for c, o in zip(plan, outcomes, strict=True):
        if o is None:
            continue
        for gate, _ in c.gates:
            result = holds(gate.when, values)
            yield c, gate, result, _trips(result, mode)


def _trips(result: bool | None, mode: Mode) -> bool:
    """Whether a gate whose condition evaluated to `result` trips: only when the condition
    holds on stated facts (a verified red flag), in every mode. A gate whose facts are unknown
    (None) is unverified and caps nothing; evaluate() lists it. The one rule judge() and the
    score range share."""
    return result is True


def _gate_fact_ids(c: CriterionPlan, gate: Gate) -> tuple[str, ...]:
    return next(f for g, f in c.gates if g is gate)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def binding_caps(j: Judgement) -> list[Cap]:
    """Every cap that holds the band where it is: those at the final band (binding or tied)."""
    return [c for c in j.caps if c.band == j.band]


def band_reason(j: Judgement, overall: Fraction, cset: CriteriaSet) -> str:
    """Why the band is what it is, naming every constraint that holds it (docs/methodology.md,
    P7): each pillar minimum, critical floor and verified red flag at the band, and the score
    when it alone would also land there."""
    head = cset.header
    titles = {b.id: b.title for b in head.bands}
    parts = [c.text for c in binding_caps(j)]
    band = next(b for b in head.bands if b.id == j.band)
    digits = head.rounding.score_digits
    shown = f"{float(rounded(overall, digits)):.{digits}f}"
    if j.score_band == j.band:
        line = f"score {shown} reaches the {band.min:g} that {band.title} requires"
        better = head.bands.index(band) - 1
        if better >= 0:
            above = head.bands[better]
            line += f" but not the {above.min:g} of {above.title}"
        parts.append(line)
    else:
        parts.append(f"the score {shown} alone would reach {titles[j.score_band]}")
    return f"{titles[j.band]}: " + "; ".join(parts)


MAX_OPEN_APPLICABILITY = 6
"""Criteria with unknown applicability whose both answers the range explores (2^n judgements);
beyond it, extra ones count as applicable."""


def score_range(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    stated: Judgement,
    lapsed: frozenset[int] = frozenset(),
) -> tuple[Fraction, Fraction, str, str]:
    """(lowest score, highest score, band at the low end, band at the high end).

    The low end is the stated judgement itself: every unknown fact scores 0, the lowest any
    value scores, so no assignment of the unknowns scores lower. The high end is the best over
    every unknown fact at its best allowed value and, for a criterion whose applicability
    depends on unknown facts, both applicable and not applicable. Both ends carry the same
    verified red flags, pillar minimums and critical floors; unverified flags cap neither.
    `stated` must be judge(cset, values, stage, "stated", lapsed=lapsed) with no criterion
    forced off: its outcomes are reused.

    Equals the hull of range_point() over every pattern (tests/test_fast_exact.py)."""
    plan = plan_for(cset)
    open_at = [i for i, c in enumerate(plan) if applicable(c, values, stage) is None]
    open_at = open_at[:MAX_OPEN_APPLICABILITY]
    order = [b.id for b in cset.header.bands]
    highs = [(stated.agg.overall, stated.band)]
    best = best_end(plan, stated.outcomes, values, stage)
    truths = _gate_truths(plan, stated.outcomes, values)
    highs += _best_points(cset, best, truths, values, lapsed, open_at)
    return (
        stated.agg.overall,
        max(score for score, _ in highs),
        stated.band,
        min((band for _, band in highs), key=order.index),
    )


def _best_points(
    cset: CriteriaSet,
    best: list[PartScores | None],
    truths: GateTruths,
    values: dict[str, Any],
    lapsed: frozenset[int],
    open_at: list[int],
) -> list[tuple[Fraction, str]]:
    """_point(cset, "best", ...) for every pattern of the criteria at the `open_at` plan
    indices forced not applicable (each both ways, 2^len patterns, in itertools.product
    order), from the best-end outcomes `best`.

    The patterns differ only in which open criteria count, so what the others contribute is
    summed once: each pillar's counted weight and its weighted sum of scores as integers over
    one common denominator (the arithmetic of aggregate()), the worst cap of the gates that
    trip on criteria that always apply, and the critical floors' scores. Each pattern then adds
    its open criteria and judges the band as _point() does: pillar minimums (band_for),
    critical floors (floor_caps) and tripping gates. Rational arithmetic has one answer, so every
    point equals _point()'s (tests/test_fast_exact.py checks score_range against range_point
    over every pattern)."""
    plan = plan_for(cset)
    pw = pillar_weights(cset)
    order = [b.id for b in cset.header.bands]
    counted = [
        (i, c.crit.pillar, c.weight, o[0])
        for i, (c, o) in enumerate(zip(plan, best, strict=True))
        if o is not None and o[0] is not None
    ]
    den = lcm(*[score.denominator for _, _, _, score in counted])
    opened = set(open_at)
    base_weight = dict.fromkeys(pw, 0)
    base_earned = dict.fromkeys(pw, 0)  # weight x score, in units of 1 / den
    extra: dict[int, tuple[str, int, int]] = {}
    for i, pillar, weight, score in counted:
        contribution = weight * score.numerator * (den // score.denominator)
        if i in opened:
            extra[i] = (pillar, weight, contribution)
        else:
            base_weight[pillar] += weight
            base_earned[pillar] += contribution
    trip_cap: dict[int, int] = {}  # plan index -> worst cap of its tripping gates
    for i, (o, gates) in enumerate(zip(best, truths, strict=True)):
        if o is None or gates is None:
            continue
        for gate, result in gates:
            if _trips(result, "best") and id(gate) not in lapsed:
                trip_cap[i] = max(trip_cap.get(i, 0), order.index(gate.cap))
    always_cap = max([cap for i, cap in trip_cap.items() if i not in opened], default=0)
    critical = critical_plans(cset)
    points: list[tuple[Fraction, str]] = []
    for bits in itertools.product((False, True), repeat=len(open_at)):
        off = {i for i, is_off in zip(open_at, bits, strict=True) if is_off}
        weight_sum, earned = dict(base_weight), dict(base_earned)
        for i, (pillar, weight, part) in extra.items():
            if i not in off:
                weight_sum[pillar] += weight
                earned[pillar] += part
        pillar_scores, overall = pillar_means(pw, weight_sum, earned, den)
        judged, pillars = _judged(Aggregate(pillar_scores, {}, {}, overall), cset)
        before, _ = band_for(judged, pillars, cset)
        final = max(order.index(before), always_cap)
        for i in open_at:
            if i not in off and i in trip_cap:
                final = max(final, trip_cap[i])
        floors = [(cid, None if i in off else best[i]) for i, cid in critical]
        final = max(final, _floor_cap(cset, floors, values, "best"))
        points.append((overall, order[final]))
    return points


def best_end(
    plan: tuple[CriterionPlan, ...],
    stated: list[PartScores | None],
    values: dict[str, Any],
    stage: str | None,
) -> list[PartScores | None]:
    """Every criterion's outcome at the best end of the range, as `_outcomes` gives them with
    no criterion forced off: the same for every pattern of open applicability, so
    score_range() scores the end once, not once per pattern.

    The stated outcome is reused where it provably is the answer: a criterion that does not
    apply, and one that applies and whose every part reads a stated fact (score_parts reads
    the mode only for an unknown fact). The rest are scored anew."""
    best: list[PartScores | None] = []
    for c, o in zip(plan, stated, strict=True):
        if o is None or (
            all(values.get(f) is not None for f in c.part_facts)
            and applicable(c, values, stage) is True
        ):
            best.append(o)
        else:
            best.append(score_plan(c, values, stage, "best"))
    return best
