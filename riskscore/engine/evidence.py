"""Evidence quality beside the score: coverage (sourced vs assumed, per pillar), stale facts,
and the governance score apart from the context rating.

Coverage is the share of the nominal weight (every applicable criterion counted, whatever
its unknown policy) whose facts the profile states, in percent (EITI Validation assesses
each requirement on the evidence it has; a requirement without evidence is not met).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from riskscore.engine.aggregate import aggregate
from riskscore.engine.plan import CriterionPlan
from riskscore.engine.rules import PartScores, q, round_half_up
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile


@dataclass(frozen=True)
class Evidence:
    coverage: Fraction  # percent, exact
    coverage_shown: float  # percent, one decimal
    sourced_shown: float  # percent of nominal weight on stated facts not marked assumption
    assumed_shown: float  # percent of nominal weight on facts marked `assumption: true`
    pillar_coverage: dict[str, float | None]  # percent per pillar; None when nothing applies


def _parse(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of YYYY-MM-DD, YYYY-MM (day 1) or YYYY (1 January); None if not."""
    parts = text.split("-")
    try:
        nums = [int(p) for p in parts] + [1] * (3 - len(parts))
    except ValueError:
        return None
    return (nums[0], nums[1], nums[2]) if len(nums) == 3 else None


def is_stale(fact_date: str, as_of: str, months: int) -> bool:
    """True when `fact_date` plus `months` calendar months is still before `as_of`."""
    start, end = _parse(fact_date), _parse(as_of)
    if start is None or end is None:
        return False
    y, m, d = start
    total = m - 1 + months
    return (y + total // 12, total % 12 + 1, d) < end


def stale_facts(profile: Profile, cset: CriteriaSet) -> set[str]:
    """Ids of stated facts dated more than their vocabulary's `stale_after_months` before
    the profile's `as_of` (a fact without a date, or a profile without as_of, is not stale)."""
    out: set[str] = set()
    if profile.as_of is None:
        return out
    for fid, stated in profile.facts.items():
        fact = cset.facts.get(fid)
        window = fact.stale_after_months if fact is not None else None
        if window is None or stated.date is None:
            continue
        if is_stale(stated.date, profile.as_of, window):
            out.add(fid)
    return out


def evidence(
    plan: tuple[CriterionPlan, ...],
    outcomes: list[PartScores | None],
    profile: Profile,
    cset: CriteriaSet,
    values: dict[str, Any],
) -> Evidence:
    """Coverage overall, split sourced / assumed, and per pillar."""
    nominal = aggregate(
        [
            (c.crit.id, c.crit.pillar, c.weight, None if o is None else Fraction(0))
            for c, o in zip(plan, outcomes, strict=True)
        ],
        {p.id: q(p.weight) for p in cset.header.pillars},
    )
    total = sourced = assumed = Fraction(0)
    p_total: dict[str, Fraction] = {p.id: Fraction(0) for p in cset.header.pillars}
    p_known: dict[str, Fraction] = dict(p_total)
    for c, o in zip(plan, outcomes, strict=True):
        if o is None:
            continue
        mp = Fraction(nominal.max_points[c.crit.id])
        total += mp
        part_total = sum((w for _, w, *_ in c.parts), Fraction(0))
        p_total[c.crit.pillar] += c.weight
        for fact, weight, *_ in c.parts:
            if values.get(fact) is None:
                continue
            share = weight / part_total
            p_known[c.crit.pillar] += c.weight * share
            if profile.facts[fact].assumption:
                assumed += mp * share
            else:
                sourced += mp * share
    pct = (100 * (sourced + assumed) / total) if total else Fraction(0)
    return Evidence(
        coverage=pct,
        coverage_shown=round_half_up(pct, 1),
        sourced_shown=round_half_up(100 * sourced / total, 1) if total else 0.0,
        assumed_shown=round_half_up(100 * assumed / total, 1) if total else 0.0,
        pillar_coverage={
            p: (round_half_up(100 * p_known[p] / p_total[p], 1) if p_total[p] else None)
            for p in p_total
        },
    )


def governance_score(
    plan: tuple[CriterionPlan, ...], outcomes: list[PartScores | None], cset: CriteriaSet
) -> Fraction | None:
    """The overall score (0-100) of the governance criteria alone (context criteria left
    out, pillar weights renormalised over pillars that keep a scored criterion)."""
    agg = aggregate(
        [
            (c.crit.id, c.crit.pillar, c.weight, None if o is None or c.context else o[0])
            for c, o in zip(plan, outcomes, strict=True)
        ],
        {p.id: q(p.weight) for p in cset.header.pillars},
        with_points=False,
    )
    if all(v is None for v in agg.pillar_scores.values()):
        return None
    return Fraction(agg.overall)


def context_rating(
    plan: tuple[CriterionPlan, ...], outcomes: list[PartScores | None], cset: CriteriaSet
) -> tuple[Fraction | None, str | None]:
    """(context score 0-100, rating id): the weighted mean of the scored context criteria,
    rated by the set's `context.ratings`; (None, None) when none is scored or declared."""
    ctx = cset.header.context
    scored = [
        (c.weight, o[0])
        for c, o in zip(plan, outcomes, strict=True)
        if c.context and o is not None and o[0] is not None
    ]
    if ctx is None or not scored:
        return None, None
    total = sum((w for w, _ in scored), Fraction(0))
    score = 100 * sum((w * s for w, s in scored), Fraction(0)) / total
    shown = q(round_half_up(score, cset.header.rounding.score_digits))
    rating = next((r.id for r in ctx.ratings if shown >= q(r.min)), ctx.ratings[-1].id)
    return score, rating
