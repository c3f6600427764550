"""The engine's fast exact arithmetic equals the plain Fraction definition it replaces.

aggregate() sums exact inputs on unreduced integers and score_plan() remembers each
criterion's answers; both must give exactly the numbers plain Fraction arithmetic and a fresh
score_parts() call give, for any weights and scores, not only the shipped ones.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from riskscore.engine.aggregate import (
    _aggregate_exact,
    aggregate,
    aggregate_reference,
    possible_points,
)
from riskscore.engine.criterion import applicable, score_plan
from riskscore.engine.judge import MAX_OPEN_APPLICABILITY, judge, range_point, score_range
from riskscore.engine.plan import plan_for
from riskscore.engine.rules import add_exact, score_parts
from tests.test_properties import CSET, profiles

SOME = settings(max_examples=200, deadline=None)
PILLARS = ["a", "b", "c", "d"]

decimals = st.integers(0, 10_000).map(lambda n: Fraction(n, 1000))  # declared weights, 0.001
scores = st.one_of(
    st.integers(0, 100).map(lambda n: Fraction(n, 100)),  # declared scores
    st.fractions(min_value=0, max_value=1, max_denominator=10**6),  # linear, weighted means
)
items = st.lists(
    st.tuples(st.sampled_from(PILLARS), decimals.filter(bool), st.none() | scores),
    max_size=40,
)


@SOME
@given(items, st.lists(decimals.filter(bool), min_size=4, max_size=4), st.booleans())
def test_exact_aggregate_equals_fraction_arithmetic(
    rows: list[tuple[str, Fraction, Fraction | None]],
    weights: list[Fraction],
    with_points: bool,
) -> None:
    given_items = [(f"c{i}", p, w, s) for i, (p, w, s) in enumerate(rows)]
    pillar_weights = dict(zip(PILLARS, weights, strict=True))
    fast = _aggregate_exact(given_items, pillar_weights, with_points)
    slow = aggregate_reference(given_items, pillar_weights, with_points)
    assert fast.pillar_scores == slow.pillar_scores
    assert fast.shares == slow.shares
    assert fast.max_points == slow.max_points
    assert fast.overall == slow.overall
    assert aggregate(given_items, pillar_weights, with_points) == fast


@SOME
@given(
    st.lists(st.tuples(st.sampled_from(PILLARS), decimals.filter(bool)), min_size=1, max_size=5),
    st.lists(decimals.filter(bool), min_size=4, max_size=4),
    st.data(),
)
def test_remembered_aggregation_equals_fraction_arithmetic(
    skeleton: list[tuple[str, Fraction]], weights: list[Fraction], data: st.DataObject
) -> None:
    # One memo across calls, as one criteria set keeps it: patterns repeat, and a pattern
    # first aggregated without points must still give the right points when later asked.
    pillar_weights = dict(zip(PILLARS, weights, strict=True))
    memo: dict[Any, Any] = {}
    for _ in range(8):
        row = data.draw(
            st.lists(st.none() | scores, min_size=len(skeleton), max_size=len(skeleton))
        )
        with_points = data.draw(st.booleans())
        given_items = [
            (f"c{i}", p, w, s) for i, ((p, w), s) in enumerate(zip(skeleton, row, strict=True))
        ]
        fast = aggregate(given_items, pillar_weights, with_points, memo=memo)
        slow = aggregate_reference(given_items, pillar_weights, with_points)
        assert fast.pillar_scores == slow.pillar_scores
        assert fast.shares == slow.shares
        assert fast.max_points == slow.max_points
        assert fast.overall == slow.overall


@SOME
@given(items, st.lists(decimals.filter(bool), min_size=4, max_size=4), st.booleans())
def test_possible_points_are_the_aggregates(
    rows: list[tuple[str, Fraction, Fraction | None]], weights: list[Fraction], memo: bool
) -> None:
    given_items = [(f"c{i}", p, w, s) for i, (p, w, s) in enumerate(rows)]
    pillar_weights = dict(zip(PILLARS, weights, strict=True))
    remembered: dict[Any, Any] | None = {} if memo else None
    points = possible_points(given_items, pillar_weights, remembered)
    assert points == aggregate_reference(given_items, pillar_weights).max_points
    assert possible_points(given_items, pillar_weights, remembered) == points  # memo hit


def test_float_inputs_take_the_reference_path() -> None:
    # The sensitivity analysis passes floats; they must not reach the integer path.
    agg = aggregate([("x", "a", 0.5, 0.25), ("y", "a", 0.5, None)], {"a": 1.0})
    assert agg.pillar_scores == {"a": 25.0} and isinstance(agg.overall, float)


@SOME
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(1, 400)), max_size=30))
def test_add_exact_sums_like_fractions(terms: list[tuple[int, int]]) -> None:
    acc = [0, 1]
    for num, den in terms:
        add_exact(acc, num, den)
    assert Fraction(acc[0], acc[1]) == sum((Fraction(n, d) for n, d in terms), Fraction(0))


@settings(max_examples=60, deadline=None)
@given(profiles(CSET), st.sampled_from(["stated", "worst", "best"]))
def test_remembered_criterion_scores_equal_fresh_ones(facts: dict[str, Any], mode: Any) -> None:
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in facts.items()}
    for c in plan_for(CSET):
        first = score_plan(c, values, None, mode)
        again = score_plan(c, values, None, mode)  # from the memo
        applies = applicable(c, values, None)
        if applies is False:
            assert first is None and again is None
            continue
        if applies is None and mode != "best":  # unknown applicability scores 0 (method v3)
            assert first == again == (0, 0, (None,) * len(c.part_facts))
            continue
        fresh = score_parts(c.parts, values, c.unknown_score, mode)
        assert first == again == fresh


@settings(max_examples=60, deadline=None)
@given(
    profiles(CSET),
    st.sampled_from([None, "exploration", "production", "closed"]),
    st.sampled_from(["stated", "worst", "best"]),
    st.sets(st.sampled_from([c.id for c in CSET.criteria]), max_size=3),
)
def test_range_point_is_the_judgement_without_its_texts(
    facts: dict[str, Any], stage: str | None, mode: Any, off: set[str]
) -> None:
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in facts.items()}
    full = judge(CSET, values, stage, mode, frozenset(off))
    assert range_point(CSET, values, stage, mode, frozenset(off)) == (
        Fraction(full.agg.overall),
        full.band,
    )


def range_reference(
    cset: Any, values: dict[str, Any], stage: str | None, stated: Any
) -> tuple[Fraction, Fraction, str, str]:
    """score_range() by its definition: the stated point and range_point() at both ends for
    every pattern of open applicability, each scored from scratch."""
    order = [b.id for b in cset.header.bands]
    open_ids = [c.crit.id for c in plan_for(cset) if applicable(c, values, stage) is None]
    open_ids = open_ids[:MAX_OPEN_APPLICABILITY]
    lows = [(Fraction(stated.agg.overall), stated.band)]
    highs = list(lows)
    for size in range(len(open_ids) + 1):
        for off in combinations(open_ids, size):
            lows.append(range_point(cset, values, stage, "worst", frozenset(off)))
            highs.append(range_point(cset, values, stage, "best", frozenset(off)))
    return (
        min(s for s, _ in lows),
        max(s for s, _ in highs),
        max((b for _, b in lows), key=order.index),
        min((b for _, b in highs), key=order.index),
    )


@settings(max_examples=120, deadline=None)
@given(
    profiles(CSET),
    st.sampled_from([None, "exploration", "production", "closed"]),
    st.sampled_from([None, *sorted(CSET.lenses)]),
)
def test_score_range_equals_range_points_scored_afresh(
    facts: dict[str, Any], stage: str | None, lens: str | None
) -> None:
    # score_range() reuses the stated outcomes and scores each end once for every pattern.
    cset = CSET.with_lens(lens)
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in facts.items()}
    stated = judge(cset, values, stage, "stated")
    assert score_range(cset, values, stage, stated) == range_reference(cset, values, stage, stated)
