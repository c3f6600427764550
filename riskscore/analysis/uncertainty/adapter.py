"""The one place the uncertainty analysis reaches into the engine's internals.

The vectorised model (model.py) never re-implements a scoring rule: it asks this
module for one criterion's outcome under given fact values and tabulates the answers. When
the engine's per-criterion scoring changes (unknown policy per criterion, stage
applicability, new gates), re-point the functions here and the sample-0 test
(tests/test_sensitivity.py) says whether the numpy aggregation still agrees with evaluate().
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from riskscore.engine.aggregate import aggregate_float
from riskscore.engine.criterion import score_plan
from riskscore.engine.plan import plan_for
from riskscore.engine.rules import holds
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile


def unknown_score(cset: CriteriaSet) -> float | None:
    """The score the set's policy gives an unknown fact, or None when unknowns drop out."""
    policy = cset.header.unknown
    return float(policy.score) if policy.policy == "score" else None


def facts_read(cset: CriteriaSet, index: int) -> tuple[str, ...]:
    """Every fact criterion `index` (set order) reads: rule, applicability and gate, once each."""
    plan = plan_for(cset)[index]
    return tuple(
        dict.fromkeys([p[0] for p in plan.parts], None)
        | dict.fromkeys(plan.condition_facts + plan.gate_facts, None)
    )


def criterion_outcome(
    cset: CriteriaSet, index: int, values: Mapping[str, Any], stage: str | None = None
) -> tuple[float | None, int]:
    """(score in [0, 1] or None when the criterion does not count, band index its red flag
    caps the band at, 0 when no flag trips) for criterion `index` under fact `values` (a
    missing key is an unknown fact) at project `stage`, as engine.criterion.score_plan scores
    it (applicability by stage and fact, the criterion's own unknown policy)."""
    plan = plan_for(cset)[index]
    outcome = score_plan(plan, dict(values), stage)
    if outcome is None:  # not applicable: no score, no gate, no critical floor
        return None, 0
    score = outcome[0]  # None: unknown under an `exclude` policy
    order = [b.id for b in cset.header.bands]
    gates = [g for g in (plan.crit.gate, *plan.crit.more_gates) if g is not None]
    caps = [order.index(g.cap) for g in gates if holds(g.when, values) is True]
    # Critical floors (engine.aggregate.floor_caps): unmet, or unknown, caps below the floor.
    for floor in cset.header.critical:
        below = order.index(floor.band) + 1
        unmet = score is None or score < Fraction(str(floor.min))
        if plan.crit.id in floor.criteria and below < len(order) and unmet:
            caps.append(below)
    return (None if score is None else float(score)), max(caps, default=0)


def stated_facts(profile: Profile) -> dict[str, tuple[Any, bool]]:
    """A profile's stated facts: id -> (value, flagged as an assumption)."""
    return {k: (f.value, f.assumption) for k, f in profile.facts.items()}


def profile_label(profile: Profile) -> tuple[str, str]:
    """(project name, path) as the scorecard reports them."""
    return profile.project.name, profile.path


def engine_overall(profile: Profile, cset: CriteriaSet) -> float:
    """evaluate()'s overall score before rounding (0-100), for the sample-0 check."""
    values = {k: f.value for k, f in profile.facts.items()}
    plan = plan_for(cset)
    items = []
    for i, c in enumerate(plan):
        score, _ = criterion_outcome(cset, i, values, profile.project.stage)
        items.append((c.crit.id, c.crit.pillar, c.weight, score))
    return aggregate_float(items, {p.id: float(p.weight) for p in cset.header.pillars}).overall


def fact_options(fact: m.Fact, number_grid: int) -> list[Any] | None:
    """The values a fact may take, in their declared (ordinal) order; None when a number
    fact lacks a min or max to lay a grid on."""
    if fact.type == "boolean":
        return [False, True]
    if fact.type == "enum":
        return list(fact.values or [])
    if fact.min is None or fact.max is None:
        return None
    lo, hi = float(fact.min), float(fact.max)
    return [lo + (hi - lo) * i / (number_grid - 1) for i in range(number_grid)]
