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

from riskscore.engine.aggregate import aggregate, possible_points
from riskscore.engine.plan import CriterionPlan, aggregation_memo, pillar_weights
from riskscore.engine.rules import ZERO, PartScores, add_exact, holds, q, round_half_up
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
    """Coverage overall, split sourced / assumed, and per pillar."""
    nominal = possible_points(
        [
            (c.crit.id, c.crit.pillar, c.weight, None if o is None else ZERO)
            for c, o in zip(plan, outcomes, strict=True)
        ],
        pillar_weights(cset),
        memo=aggregation_memo(cset),
    )
    # Exact sums on integers (rules.add_exact); the same values Fraction arithmetic gives.
    total, sourced, assumed = [0, 1], [0, 1], [0, 1]
    p_total: dict[str, list[int]] = {p.id: [0, 1] for p in cset.header.pillars}
    p_known: dict[str, list[int]] = {p.id: [0, 1] for p in cset.header.pillars}
    facts = profile.facts
    for c, o in zip(plan, outcomes, strict=True):
        if o is None:
            continue
        mp = nominal[c.crit.id]
        mpn, mpd = mp.numerator, mp.denominator
        add_exact(total, mpn, mpd)
        wn, wd = c.weight.numerator, c.weight.denominator
        add_exact(p_total[c.crit.pillar], wn, wd)
        known = p_known[c.crit.pillar]
        for fact, share in zip(c.part_facts, c.part_shares, strict=True):
            if values.get(fact) is None:
                continue
            sn, sd = share.numerator, share.denominator
            add_exact(known, wn * sn, wd * sd)
            add_exact(assumed if facts[fact].assumption else sourced, mpn * sn, mpd * sd)
    if total[0]:
        whole = Fraction(total[0], total[1])
        pct = 100 * (_exact(sourced) + _exact(assumed)) / whole
        sourced_pct = 100 * _exact(sourced) / whole
        assumed_pct = 100 * _exact(assumed) / whole
    else:
        pct = sourced_pct = assumed_pct = Fraction(0)
    p_cov = {}
    for p, (tn, td) in p_total.items():
        kn, kd = p_known[p]
        p_cov[p] = round_half_up(Fraction(100 * kn * td, kd * tn), 1) if tn else None
    return Evidence(
        coverage=pct,
        coverage_shown=round_half_up(pct, 1),
        sourced_shown=round_half_up(sourced_pct, 1) if total[0] else 0.0,
        assumed_shown=round_half_up(assumed_pct, 1) if total[0] else 0.0,
        pillar_coverage=p_cov,
    )


def _exact(acc: list[int]) -> Fraction:
    return Fraction(acc[0], acc[1])


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
        memo=aggregation_memo(cset),
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
    # Exact sums on integers (rules.add_exact): the same Fraction as summing Fractions.
    total, earned = [0, 1], [0, 1]
    for w, s in scored:
        add_exact(total, w.numerator, w.denominator)
        add_exact(earned, w.numerator * s.numerator, w.denominator * s.denominator)
    score = Fraction(100 * earned[0] * total[1], earned[1] * total[0])
    shown = q(round_half_up(score, cset.header.rounding.score_digits))
    rating = next((r.id for r in ctx.ratings if shown >= q(r.min)), ctx.ratings[-1].id)
    return score, rating
