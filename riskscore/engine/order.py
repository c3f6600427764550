"""Each fact's value order, as the criteria that read it score its values (method v3, P1).

Promise P1 (monotone) needs to know what "a better value" is: the order the criteria score a
fact's values in. The set loader checks that every criterion reading one fact agrees on that
order (load/criteria/checks.check_fact_orders), so the order of the first is the order of all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from riskscore.engine.rules import holds
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet

_ORDER_ATTR = "_engine_fact_orders"


def part_rules(rule: Any) -> list[Any]:
    """The single-fact rules a rule is made of, in order."""
    return [p.rule for p in rule.parts] if isinstance(rule, m.WeightedRule) else [rule]


def value_scores(rule: Any) -> dict[Any, Any] | None:
    """Each value's score under a levels or boolean rule; None for number rules."""
    if isinstance(rule, m.LevelsRule):
        return dict(rule.scores)
    if isinstance(rule, m.BooleanRule):
        return {False: rule.false_score, True: rule.true_score}
    return None


def fact_orders(cset: CriteriaSet) -> dict[str, tuple[tuple[Any, ...], ...]]:
    """Fact id -> its values in groups of equal score, worst group first, for every enum or
    boolean fact a criterion scores (cached on the set instance). A fact read only by
    conditions (e.g. `tailings_facility`) has no order: it decides applicability, not a score.

    A value that by itself makes the reading criterion not applicable (its `not_applicable_when`
    holds on that value alone, e.g. `state_counterparty: no_state_party`) is outside the order:
    it changes what is measured, not how well, so it is neither better nor worse than a scored
    value (docs/methodology.md, P1), and a roadmap never proposes it.
    """
    cached: dict[str, tuple[tuple[Any, ...], ...]] | None = cset.__dict__.get(_ORDER_ATTR)
    if cached is not None:
        return cached
    out: dict[str, tuple[tuple[Any, ...], ...]] = {}
    for crit in cset.criteria:
        for rule in part_rules(crit.rule):
            scores = value_scores(rule)
            if scores is None or rule.fact in out:
                continue
            scores = {v: s for v, s in scores.items() if not switches_off(crit, rule.fact, v)}
            levels = sorted(set(scores.values()))
            out[rule.fact] = tuple(
                tuple(v for v in scores if scores[v] == level) for level in levels
            )
    cset.__dict__[_ORDER_ATTR] = out
    return out


def switches_off(
    crit: m.Criterion, fact_id: str, value: Any, others: Mapping[str, Any] | None = None
) -> bool:
    """Whether stating `fact_id: value` makes `crit` not applicable (its `not_applicable_when`
    holds), beside the stated `others` (none: whatever the other facts are). Such a value
    changes what is measured, not how well: it is outside the fact's order, and no roadmap
    proposes it (analysis.roadmap)."""
    cond = crit.not_applicable_when
    return cond is not None and holds(cond, {**(others or {}), fact_id: value}) is True


def best_value(cset: CriteriaSet, fact_id: str) -> Any:
    """A value of `fact_id` in its best group (the first declared), or None without an order."""
    order = fact_orders(cset).get(fact_id)
    return None if order is None else order[-1][0]
