"""Scoring rule types and conditions: pure functions from stated fact values to [0, 1].

The registry `SCORERS` maps every rule `type` to its scorer; a test loops over all of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from riskscore.load.criteria.models import (
    AllCondition,
    AnyCondition,
    BooleanRule,
    FactCondition,
    LevelsRule,
    LinearRule,
    ThresholdsRule,
    WeightedRule,
)

Values = Mapping[str, Any]
"""Stated fact values by fact id; a missing id means the fact is unknown."""


def score_boolean(rule: BooleanRule, value: Any) -> float:
    return float(rule.true_score if value else rule.false_score)


def score_levels(rule: LevelsRule, value: Any) -> float:
    return float(rule.scores[value])


def score_thresholds(rule: ThresholdsRule, value: Any) -> float:
    score = float(rule.below)
    for step in rule.steps:
        if value >= step.at_least:
            score = float(step.score)
    return score


def score_linear(rule: LinearRule, value: Any) -> float:
    points = rule.points
    if value <= points[0].at:
        return float(points[0].score)
    for left, right in itertools.pairwise(points):
        if value <= right.at:
            frac = (value - left.at) / (right.at - left.at)
            return float(left.score + frac * (right.score - left.score))
    return float(points[-1].score)


SCORERS: dict[str, Callable[[Any, Any], float]] = {
    "boolean": score_boolean,
    "levels": score_levels,
    "thresholds": score_thresholds,
    "linear": score_linear,
}
"""Single-fact rule types; `weighted` combines these, part by part (`flat_parts`)."""


FlatPart = tuple[str, float, Callable[[Any, Any], float], Any]
"""(fact id, weight, scorer, simple rule): one scorable part of a rule, flattened."""

PartScores = tuple[float | None, float, tuple[float | None, ...]]
"""(score, known share, each part's score) as `score_parts` returns them."""


def flat_parts(rule: Any) -> tuple[FlatPart, ...]:
    """A rule's parts with weights and scorers resolved, so they can be computed once per set."""
    parts_in = rule.parts if isinstance(rule, WeightedRule) else None
    simple = [(p.weight, p.rule) for p in parts_in] if parts_in else [(1.0, rule)]
    return tuple((part.fact, float(weight), SCORERS[part.type], part) for weight, part in simple)


def score_parts(
    parts: tuple[FlatPart, ...], values: Values, unknown_score: float | None
) -> PartScores:
    """Score a rule from its flattened parts; unknown facts score `unknown_score`, or drop out
    when it is None. Plain tuples, no objects per part: this runs for every criterion."""
    scores: list[float | None] = []
    total = known = earned = counted = 0.0
    for fact, weight, scorer, part in parts:
        value = values.get(fact)
        total += weight
        if value is None:
            scores.append(None)
            if unknown_score is not None:
                earned += weight * unknown_score
                counted += weight
            continue
        score = scorer(part, value)
        scores.append(score)
        known += weight
        earned += weight * score
        counted += weight
    return (earned / counted if counted else None), known / total, tuple(scores)


def holds(cond: Any, values: Values) -> bool | None:
    """Three-valued truth of a condition: None when it depends on unknown facts."""
    if isinstance(cond, AllCondition | AnyCondition):
        results = [
            holds(c, values) for c in (cond.all if isinstance(cond, AllCondition) else cond.any)
        ]
        if isinstance(cond, AllCondition):
            return False if False in results else (None if None in results else True)
        return True if True in results else (None if None in results else False)
    assert isinstance(cond, FactCondition)
    value = values.get(cond.fact)
    if value is None:
        return None
    if cond.in_ is not None:
        return any(value == v and type(value) is type(v) for v in cond.in_)
    if cond.below is not None:
        return bool(value < cond.below)
    return bool(value >= cond.at_least)
