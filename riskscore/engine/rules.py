"""Scoring rule types and conditions: pure functions from stated fact values to [0, 1].

Scores are exact fractions (`fractions.Fraction`): every declared number is a short decimal,
read through its text (0.35 is 7/20, not the nearest binary float), so sums of products are
exact until the one rounding step (`round_half_up`). The registry `SCORERS` maps every rule
`type` to its scorer; a test loops over all of them.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction
from math import gcd
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


def round_half_up(x: Fraction, digits: int) -> float:
    """`x` rounded half away from zero to `digits` decimals, as the float that prints so.

    The set's one rounding rule (criteria/set.yaml `rounding`): 74.995 -> 75.0, 0.16875 at
    four digits -> 0.1688, never banker's rounding and never float noise.
    """
    return round_ratio(x.numerator, x.denominator, digits)


def round_ratio(num: int, den: int, digits: int) -> float:
    """round_half_up(Fraction(num, den), digits) without building the Fraction (den > 0).

    The pair need not be reduced: the quotient and the remainder's share of `den` depend only
    on the value, so an unreduced pair rounds exactly as the reduced one."""
    if den == 1:
        return float(num)
    scale = 10**digits
    k, rest = divmod(abs(num) * scale, den)
    if 2 * rest >= den:
        k += 1
    return (k if num >= 0 else -k) / scale  # int / int is correctly rounded


def add_exact(acc: list[int], num: int, den: int) -> None:
    """acc[0] / acc[1] += num / den on plain integers, without reducing.

    Exact sums of many Fractions cost far less this way: the caller makes one reduced
    `Fraction(acc[0], acc[1])` at the end, the same number Fraction arithmetic gives."""
    d = acc[1]
    if den == d:
        acc[0] += num
        return
    g = gcd(d, den)
    acc[0] = acc[0] * (den // g) + num * (d // g)
    acc[1] = d // g * den


def rounded(x: Fraction, digits: int) -> Fraction:
    """`round_half_up` kept exact, for judging bands on the printed score."""
    return q(round_half_up(x, digits))


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


FlatPart = tuple[str, Fraction, Callable[[Any, Any], Fraction], Any, Fraction, Fraction]
"""(fact id, weight, scorer, simple rule, lowest score, highest score): one scorable part."""

PartScores = tuple[Fraction | None, Fraction, tuple[Fraction | None, ...]]
"""(score, known share, each part's score) as `score_parts` returns them."""


def flat_parts(rule: Any) -> tuple[FlatPart, ...]:
    """A rule's parts with weights, scorers and bounds resolved, computed once per set."""
    parts_in = rule.parts if isinstance(rule, WeightedRule) else None
    simple = [(p.weight, p.rule) for p in parts_in] if parts_in else [(1, rule)]
    return tuple(
        (part.fact, q(weight), SCORERS[part.type], part, *bounds(part)) for weight, part in simple
    )


def score_parts(
    parts: tuple[FlatPart, ...],
    values: Values,
    unknown_score: Fraction | None,
    mode: Mode = "stated",
) -> PartScores:
    """Score a rule from its flattened parts.

    An unknown fact scores `unknown_score` (or drops out when it is None) in mode "stated";
    in mode "worst" it scores the lower of its lowest allowed score and `unknown_score`, in
    mode "best" the higher of its highest and `unknown_score`, so the stated score always lies
    between the two. Plain tuples, no objects per part: this runs for every criterion.
    """
    if len(parts) == 1:  # the common single-fact rule: no weighted sums to build
        fact, _, scorer, part, lo, hi = parts[0]
        value = values.get(fact)
        if value is not None:
            one = scorer(part, value)
            return one, ONE, (one,)
        fill = unknown_score
        if mode == "worst":
            fill = lo if fill is None else min(lo, fill)
        elif mode == "best":
            fill = hi if fill is None else max(hi, fill)
        return fill, ZERO, (None,)
    scores: list[Fraction | None] = []
    total = known = earned = counted = ZERO
    for fact, weight, scorer, part, lo, hi in parts:
        value = values.get(fact)
        total += weight
        if value is None:
            scores.append(None)
            fill = unknown_score
            if mode == "worst":
                fill = lo if fill is None else min(lo, fill)
            elif mode == "best":
                fill = hi if fill is None else max(hi, fill)
            if fill is not None:
                earned += weight * fill
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
