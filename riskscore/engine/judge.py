"""Judge a profile's facts under one mode: criterion scores, aggregate, band and what decided it.

evaluate() judges three times: "stated" (unknown facts by each criterion's unknown policy),
"worst" and "best" (every unknown fact at its lowest / highest allowed value, gates whose
facts are unknown tripping at worst), giving the score range and band range.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from riskscore.engine.aggregate import Aggregate, aggregate, band_for, floor_caps, score_band
from riskscore.engine.criterion import applicable, score_plan
from riskscore.engine.plan import (
    CriterionPlan,
    aggregation_memo,
    critical_plans,
    pillar_weights,
    plan_for,
)
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
) -> Judgement:
    """Score every criterion, aggregate, and band (pillar minimums, critical floors, gates).

    Criteria named in `not_applicable` are treated as not applicable (the range explores
    both answers for a criterion whose applicability depends on unknown facts)."""
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
    for cap_at, floor_band, cid, least in floor_caps(scores, applies, cset):
        s = scores[cid]
        shown = "unknown" if s is None else f"{float(rounded(s, 2)):.2f}"
        caps.append(
            Cap(
                "floor",
                cap_at,
                cid,
                f"critical criterion '{ctitles[cid]}' scores {shown}; "
                f"{titles[floor_band]} requires at least {float(least):.2f}",
            )
        )
    gates: list[tuple[CriterionPlan, Gate, bool | None]] = []
    for c, gate, result, trips in _gates(plan, outcomes, values, mode):
        gates.append((c, gate, result))
        if trips:
            caps.append(Cap("gate", gate.cap, c.crit.id, f"red flag '{c.crit.title}'"))
    final = order.index(before)
    for cap in caps:
        i = order.index(cap.band)
        if i > final:
            final = i
            if cap.kind != "pillar":
                notes.append(f"capped at {cap.band} by {cap.kind} {cap.criterion}")
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
        memo=aggregation_memo(cset),
    )


def _judged(agg: Aggregate, cset: CriteriaSet) -> tuple[Fraction, dict[str, Fraction | None]]:
    """The overall and pillar scores as bands judge them (printed or exact, per the set)."""
    digits = cset.header.rounding.score_digits
    if cset.header.rounding.bands_judged_on != "printed":
        return Fraction(agg.overall), dict(agg.pillar_scores)
    return rounded(Fraction(agg.overall), digits), {
        k: None if v is None else rounded(v, digits) for k, v in agg.pillar_scores.items()
    }


def range_point(
    cset: CriteriaSet,
    values: dict[str, Any],
    stage: str | None,
    mode: Mode,
    not_applicable: frozenset[str] = frozenset(),
) -> tuple[Fraction, str]:
    """(overall score, band) exactly as judge() gives them, without the notes and cap texts
    that only the stated judgement shows, every criterion scored afresh. The reference
    definition of one point of the range: score_range() reuses outcomes across points
    (`_point`), and tests/test_fast_exact.py checks it against this."""
    outcomes = _outcomes(cset, values, stage, mode, not_applicable)
    return _point(cset, mode, outcomes, _gate_truths(plan_for(cset), outcomes, values))


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
    cset: CriteriaSet, mode: Mode, outcomes: list[PartScores | None], truths: GateTruths
) -> tuple[Fraction, str]:
    """range_point() given the criterion outcomes (`_outcomes`) it judges and the truth of the
    gates of (at least) every criterion that applies in them (`_gate_truths`).

    The band is judge()'s: floor_caps() reads only the criteria critical floors name, so only
    they are mapped, and a gate trips as _gates() says: when its condition holds, or at the
    worst end when its facts are unknown."""
    agg = _aggregated(cset, outcomes, False)
    overall, pillars = _judged(agg, cset)
    before, _ = band_for(overall, pillars, cset)
    order = [b.id for b in cset.header.bands]
    final = order.index(before)
    scores: dict[str, Fraction | None] = {}
    applies: dict[str, bool] = {}
    for i, cid in critical_plans(cset):
        o = outcomes[i]
        scores[cid] = None if o is None else o[0]
        applies[cid] = o is not None
    for cap_at, *_ in floor_caps(scores, applies, cset):
        final = max(final, order.index(cap_at))
    for o, gates in zip(outcomes, truths, strict=True):
        if o is None or gates is None:
            continue
        for gate, result in gates:
            if _trips(result, mode):
                final = max(final, order.index(gate.cap))
    return Fraction(agg.overall), order[final]


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
    it trips). A gate trips when its condition holds, or, at the worst end of the score range,
    when its facts are unknown."""
    for c, o in zip(plan, outcomes, strict=True):
        if o is None:
            continue
        for gate, _ in c.gates:
            result = holds(gate.when, values)
            yield c, gate, result, _trips(result, mode)


def _trips(result: bool | None, mode: Mode) -> bool:
    """Whether a gate whose condition evaluated to `result` trips: when the condition holds, or,
    at the worst end of the score range, when its facts are unknown (None). The one rule
    judge() and the score range share."""
    return result is True or (result is None and mode == "worst")


def band_reason(j: Judgement, overall: Fraction, cset: CriteriaSet) -> str:
    """Why the band is what it is, naming the pillar, floor or gate that decided it."""
    head = cset.header
    titles = {b.id: b.title for b in head.bands}
    deciding = [c for c in j.caps if c.band == j.band] if j.band != j.score_band else []
    if deciding:
        return f"{titles[j.band]}: " + "; ".join(c.text for c in deciding)
    band = next(b for b in head.bands if b.id == j.band)
    shown = f"{float(rounded(overall, head.rounding.score_digits)):.{head.rounding.score_digits}f}"
    return f"{band.title}: score {shown} reaches the {band.min:g} that {band.title} requires"


MAX_OPEN_APPLICABILITY = 6
"""Criteria with unknown applicability whose both answers the range explores (2^n judgements);
beyond it, extra ones count as applicable."""


def score_range(
    cset: CriteriaSet, values: dict[str, Any], stage: str | None, stated: Judgement
) -> tuple[Fraction, Fraction, str, str]:
    """(lowest score, highest score, worst band, best band) over every unknown fact at its
    worst or best allowed value and, for a criterion whose applicability depends on unknown
    facts, both applicable and not applicable.

    The `stated` judgement (unknowns by their policy) is part of the hull: a criterion that an
    `exclude` policy leaves out of a weighted mean can sit below that mean, so scoring it at its
    worst value may raise the mean (found by tests/test_evidence_properties.py). It must be
    judge(cset, values, stage, "stated") with no criterion forced off: its outcomes are reused.

    Equals the hull of range_point() over every pattern (tests/test_fast_exact.py)."""
    plan = plan_for(cset)
    open_ids = [c.crit.id for c in plan if applicable(c, values, stage) is None]
    open_ids = open_ids[:MAX_OPEN_APPLICABILITY]
    order = [b.id for b in cset.header.bands]
    lows = [(Fraction(stated.agg.overall), stated.band)]
    highs = list(lows)
    worst, best = _range_ends(plan, stated.outcomes, values, stage)
    truths = _gate_truths(plan, stated.outcomes, values)
    for bits in itertools.product((False, True), repeat=len(open_ids)):
        na = frozenset(cid for cid, off in zip(open_ids, bits, strict=True) if off)
        lows.append(_point(cset, "worst", _without(plan, worst, na), truths))
        highs.append(_point(cset, "best", _without(plan, best, na), truths))
    return (
        min(score for score, _ in lows),
        max(score for score, _ in highs),
        max((band for _, band in lows), key=order.index),
        min((band for _, band in highs), key=order.index),
    )


def _range_ends(
    plan: tuple[CriterionPlan, ...],
    stated: list[PartScores | None],
    values: dict[str, Any],
    stage: str | None,
) -> tuple[list[PartScores | None], list[PartScores | None]]:
    """Every criterion's outcome at the worst and at the best end of the range, as `_outcomes`
    gives them with no criterion forced off: the same for every pattern of open applicability,
    so score_range() scores each end once, not once per pattern.

    The stated outcome is reused where it provably is the answer: a criterion that does not
    apply (applicability does not depend on the mode), and one whose every part reads a stated
    fact (score_parts reads the mode only for an unknown fact). The rest are scored anew."""
    worst: list[PartScores | None] = []
    best: list[PartScores | None] = []
    for c, o in zip(plan, stated, strict=True):
        if o is None or all(values.get(f) is not None for f in c.part_facts):
            worst.append(o)
            best.append(o)
        else:
            worst.append(score_plan(c, values, stage, "worst"))
            best.append(score_plan(c, values, stage, "best"))
    return worst, best


def _without(
    plan: tuple[CriterionPlan, ...],
    outcomes: list[PartScores | None],
    not_applicable: frozenset[str],
) -> list[PartScores | None]:
    """`outcomes` with the criteria named in `not_applicable` set not applicable (None)."""
    if not not_applicable:
        return outcomes
    return [None if c.crit.id in not_applicable else o for c, o in zip(plan, outcomes, strict=True)]
