"""Scoring rule types and conditions: pure functions from stated fact values to [0, 1].

The engine's one exact representation (docs/architecture.md): every score is a
`fractions.Fraction` in [0, 1] (a pillar or overall score one in [0, 100]); every declared score
and breakpoint is read through its text (0.35 is 7/20, not the nearest binary float, `q`); every
declared weight is a whole number of the set's weight unit (`weight_units`). Means are exact
(`weighted_mean`) until the one rounding step (`round_half_up`). The registry `SCORERS` maps
every rule `type` to its scorer; a test loops over all of them.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from math import lcm
from typing import Any, Literal

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

Mode = Literal["stated", "worst", "best"]
"""How unknown facts score: by the unknown policy, or at their worst or best allowed value."""

ZERO = Fraction(0)
ONE = Fraction(1)


@functools.lru_cache(maxsize=4096)
def _q(x: int | float) -> Fraction:
    return Fraction(str(x)) if isinstance(x, float) else Fraction(x)


def q(x: int | float | Fraction) -> Fraction:
    """A declared number as the exact decimal it was written as (0.1 -> 1/10)."""
    return x if isinstance(x, Fraction) else _q(x)


def round_half_up(x: Fraction | int, digits: int) -> float:
    """`x` rounded half away from zero to `digits` decimals, as the float that prints so.

    The set's one rounding rule (criteria/set.yaml `rounding`): 74.995 -> 75.0, 0.16875 at
    four digits -> 0.1688, never banker's rounding and never float noise.
    """
    return _half_up(x, digits) / 10**digits  # int / int is correctly rounded


def rounded(x: Fraction | int, digits: int) -> Fraction:
    """`round_half_up` kept exact (k / 10^digits), for judging bands on the printed score."""
    return Fraction(_half_up(x, digits), 10**digits)


def _half_up(x: Fraction | int, digits: int) -> int:
    """x * 10^digits rounded half away from zero, on integers."""
    num, den = x.numerator, x.denominator
    k, rest = divmod(abs(num) * 10**digits, den)
    if 2 * rest >= den:
        k += 1
    return k if num >= 0 else -k


def weighted_mean(
    weights: Sequence[int], values: Sequence[Fraction], scale: int = 1
) -> Fraction | None:
    """scale * sum(w * v) / sum(w), exact; None when the weights sum to 0 (nothing to average).

    The OECD/JRC Handbook's weighted arithmetic mean (2008, section 6), the one mean of the
    engine: a weighted rule's parts, a pillar's criteria, the pillars of the overall score, the
    context rating. Weights are whole numbers of the set's weight unit (engine.plan). The
    values are put over their least common denominator and summed as integers, so one
    `Fraction` is built (and reduced) per mean, not one per product and per partial sum;
    rational arithmetic has one answer, so it is the value `sum()` of Fractions gives
    (tests/test_fast_exact.py holds it to that definition).
    """
    total = sum(weights)
    if not total:
        return None
    den = lcm(*[v.denominator for v in values])
    num = sum(
        [w * v.numerator * (den // v.denominator) for w, v in zip(weights, values, strict=True)]
    )
    return Fraction(scale * num, den * total)


def score_boolean(rule: BooleanRule, value: Any) -> Fraction:
    return q(rule.true_score if value else rule.false_score)


def score_levels(rule: LevelsRule, value: Any) -> Fraction:
    return q(rule.scores[value])


def score_thresholds(rule: ThresholdsRule, value: Any) -> Fraction:
    score = q(rule.below)
    for step in rule.steps:
        if value >= step.at_least:
            score = q(step.score)
    return score


def score_linear(rule: LinearRule, value: Any) -> Fraction:
    points = rule.points
    x = q(value)
    if x <= q(points[0].at):
        return q(points[0].score)
    for left, right in itertools.pairwise(points):
        if x <= q(right.at):
            frac = (x - q(left.at)) / (q(right.at) - q(left.at))
            return q(left.score) + frac * (q(right.score) - q(left.score))
    return q(points[-1].score)


SCORERS: dict[str, Callable[[Any, Any], Fraction]] = {
    "boolean": score_boolean,
    "levels": score_levels,
    "thresholds": score_thresholds,
    "linear": score_linear,
}
"""Single-fact rule types; `weighted` combines these, part by part (`flat_parts`)."""


def bounds(rule: Any) -> tuple[Fraction, Fraction]:
    """The lowest and highest score a single-fact rule can give (its worst and best value)."""
    if isinstance(rule, BooleanRule):
        scores = [rule.true_score, rule.false_score]
    elif isinstance(rule, LevelsRule):
        scores = list(rule.scores.values())
    elif isinstance(rule, ThresholdsRule):
        scores = [rule.below, *(s.score for s in rule.steps)]
    else:
        scores = [p.score for p in rule.points]
    exact = [q(s) for s in scores]
    return min(exact), max(exact)


FlatPart = tuple[str, int, Callable[[Any, Any], Fraction], Any, Fraction, Fraction]
"""(fact id, weight in weight units, scorer, simple rule, lowest score, highest score)."""

PartScores = tuple[Fraction | None, Fraction, tuple[Fraction | None, ...]]
"""(score, known share, each part's score) as `score_parts` returns them."""


def weight_units(weight: int | float, scale: int) -> int:
    """A declared weight as a whole number of `1 / scale` (0.35 at scale 20 -> 7).

    A weight only counts relative to the other weights of its mean, so every weight of a set
    is multiplied by one `scale` (engine.plan.weight_scale) when the set is compiled: the
    means are unchanged, and the engine sums weights as integers. Raises ValueError when
    `scale` does not make the weight whole."""
    exact = q(weight) * scale
    if exact.denominator != 1:
        raise ValueError(f"weight {weight} is not a whole number of 1/{scale}")
    return exact.numerator


def flat_parts(rule: Any, scale: int) -> tuple[FlatPart, ...]:
    """A rule's parts with weights (whole numbers of 1/`scale`), scorers and bounds resolved,
    computed once per set."""
    parts_in = rule.parts if isinstance(rule, WeightedRule) else None
    simple = [(p.weight, p.rule) for p in parts_in] if parts_in else [(1, rule)]
    return tuple(
        (part.fact, weight_units(weight, scale), SCORERS[part.type], part, *bounds(part))
        for weight, part in simple
    )


def score_parts(
    parts: tuple[FlatPart, ...],
    values: Values,
    unknown_score: Fraction | None,
    mode: Mode = "stated",
) -> PartScores:
    """Score a rule from its flattened parts: the weighted mean of its parts' scores.

    An unknown fact scores `unknown_score` (or drops out when it is None) in mode "stated";
    in mode "worst" it scores the lower of its lowest allowed score and `unknown_score`, in
    mode "best" the higher of its highest and `unknown_score`, so the stated score always lies
    between the two. The known share is the weight on stated facts over the rule's weight.
    """
    scores: list[Fraction | None] = []
    weights: list[int] = []
    counted: list[Fraction] = []
    total = known = 0
    for fact, weight, scorer, part, lo, hi in parts:
        total += weight
        value = values.get(fact)
        if value is not None:
            score = scorer(part, value)
            scores.append(score)
            known += weight
        else:
            scores.append(None)
            fill = unknown_score
            if mode == "worst":
                fill = lo if fill is None else min(lo, fill)
            elif mode == "best":
                fill = hi if fill is None else max(hi, fill)
            if fill is None:
                continue
            score = fill
        weights.append(weight)
        counted.append(score)
    return weighted_mean(weights, counted), Fraction(known, total), tuple(scores)


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
