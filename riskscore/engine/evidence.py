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

from riskscore.engine.aggregate import Item, aggregate
from riskscore.engine.plan import CriterionPlan, pillar_weights
from riskscore.engine.rules import (
    ONE,
    ZERO,
    PartScores,
    holds,
    q,
    round_half_up,
    rounded,
    weighted_mean,
)
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import condition_facts
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
    the profile's `as_of` (a fact without a date, or a profile without as_of, is not stale).

    A fact whose stated value trips a gate with a `window_months` is not stale: its date is
    the date of the evidence (the latest allegation), and the gate's window decides how long
    that evidence counts (the flag lapses after it), not the staleness of a search."""
    out: set[str] = set()
    if profile.as_of is None:
        return out
    values = {fid: stated.value for fid, stated in profile.facts.items()}
    windowed = {
        fid
        for crit in cset.criteria
        for gate in [g for g in (crit.gate, *crit.more_gates) if g is not None]
        if gate.window_months is not None and holds(gate.when, values) is True
        for fid in condition_facts(gate.when)
    }
    for fid, stated in profile.facts.items():
        fact = cset.facts.get(fid)
        window = fact.stale_after_months if fact is not None else None
        if window is None or stated.date is None or fid in windowed:
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
    """Coverage overall, split sourced / assumed, and per pillar.

    Coverage aggregates as the score does (engine.aggregate): each applicable criterion
    counts with the share of its part weight on stated facts in place of its score, so a
    pillar's coverage is the weighted mean of its applicable criteria's known shares (x100)
    and the overall coverage the pillar-weighted mean of the pillars with an applicable
    criterion. The assumed share counts only facts marked `assumption: true`; the sourced share
    is the rest (aggregation is linear in the scores, so sourced = coverage - assumed)."""
    facts = profile.facts
    any_assumed = any(values.get(f) is not None and facts[f].assumption for f in facts)
    known: list[Item] = []
    assumed: list[Item] = []
    for c, o in zip(plan, outcomes, strict=True):
        if o is None:
            known.append((c.crit.id, c.crit.pillar, c.weight, None))
            assumed.append((c.crit.id, c.crit.pillar, c.weight, None))
            continue
        on_stated = [
            (units, facts[fact].assumption)
            for fact, units in zip(c.part_facts, c.part_units, strict=True)
            if values.get(fact) is not None
        ]
        share = _share(sum([units for units, _ in on_stated]), c.part_total)
        known.append((c.crit.id, c.crit.pillar, c.weight, share))
        if any_assumed:
            share = _share(sum([units for units, mark in on_stated if mark]), c.part_total)
            assumed.append((c.crit.id, c.crit.pillar, c.weight, share))
    weights = pillar_weights(cset)
    cov = aggregate(known, weights, with_points=False)
    pct = cov.overall
    assumed_pct = aggregate(assumed, weights, with_points=False).overall if any_assumed else ZERO
    return Evidence(
        coverage=pct,
        coverage_shown=round_half_up(pct, 1),
        sourced_shown=round_half_up(pct - assumed_pct, 1),
        assumed_shown=round_half_up(assumed_pct, 1),
        pillar_coverage={
            p: None if s is None else round_half_up(s, 1) for p, s in cov.pillar_scores.items()
        },
    )


def _share(part: int, whole: int) -> Fraction:
    """part / whole (0 <= part <= whole), with the constants for none and all: most criteria
    read one fact, so their share is one of the two."""
    if part == whole:
        return ONE
    return Fraction(part, whole) if part else ZERO


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
        pillar_weights(cset),
        with_points=False,
    )
    if all(v is None for v in agg.pillar_scores.values()):
        return None
    return agg.overall


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
    score = weighted_mean([w for w, _ in scored], [s for _, s in scored], 100)
    assert score is not None  # criterion weights are positive
    shown = rounded(score, cset.header.rounding.score_digits)
    rating = next((r.id for r in ctx.ratings if shown >= q(r.min)), ctx.ratings[-1].id)
    return score, rating
