"""The engine's one exact representation equals plain Fraction arithmetic by definition.

The engine compiles every declared weight to a whole number of the set's weight unit, keeps
scores as Fractions and takes every mean with one `rules.weighted_mean` over a common
denominator (engine/rules.py, engine/plan.py). The definitions it must agree with live here,
as the oracle: `aggregate_by_definition` is the OECD/JRC weighted arithmetic mean in plain
Fraction arithmetic on the weights as declared. Hypothesis holds the engine to them for any
weights and scores, not only the shipped ones; score_plan()'s memo and score_range()'s reuse
of outcomes are held to a fresh computation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import combinations
from math import lcm
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskscore.engine.aggregate import Aggregate, aggregate, aggregate_float
from riskscore.engine.assess import judged_profile
from riskscore.engine.criterion import applicable, score_plan
from riskscore.engine.evidence import evidence
from riskscore.engine.judge import MAX_OPEN_APPLICABILITY, judge, range_point, score_range
from riskscore.engine.plan import pillar_weights, plan_for, set_plan
from riskscore.engine.rules import q, round_half_up, rounded, score_parts, weighted_mean
from riskscore.load.profile import build_profile
from riskscore.load.yaml_reader import Document
from tests.test_properties import CSET, profiles

SOME = settings(max_examples=200, deadline=None)
PILLARS = ["a", "b", "c", "d"]

decimals = st.integers(1, 10_000).map(lambda n: Fraction(n, 1000))  # declared weights, 0.001
scores = st.one_of(
    st.integers(0, 100).map(lambda n: Fraction(n, 100)),  # declared scores
    st.fractions(min_value=0, max_value=1, max_denominator=10**6),  # linear, weighted means
)
items = st.lists(st.tuples(st.sampled_from(PILLARS), decimals, st.none() | scores), max_size=40)


def aggregate_by_definition(
    items: list[tuple[str, str, Fraction, Fraction | None]], pillar_weights: dict[str, Fraction]
) -> Aggregate:
    """The aggregation rule in plain Fraction arithmetic, on the weights as declared: a
    pillar is 100 x the weighted mean of its counted criteria, the overall the weighted mean of
    the scored pillars; possible points are 100 x pillar share x weight / pillar weight."""
    sums: dict[str, Fraction] = dict.fromkeys(pillar_weights, Fraction(0))
    earned: dict[str, Fraction] = dict.fromkeys(pillar_weights, Fraction(0))
    for _, pillar, weight, score in items:
        if score is not None:
            sums[pillar] += weight
            earned[pillar] += weight * score
    pillar_scores = {p: (100 * earned[p] / sums[p] if sums[p] else None) for p in pillar_weights}
    total = sum(w for p, w in pillar_weights.items() if pillar_scores[p] is not None)
    shares = {
        p: (w / total if total and pillar_scores[p] is not None else Fraction(0))
        for p, w in pillar_weights.items()
    }
    max_points = {
        cid: (100 * shares[pillar] * weight / sums[pillar] if score is not None else Fraction(0))
        for cid, pillar, weight, score in items
    }
    overall = sum((shares[p] * (pillar_scores[p] or 0) for p in pillar_weights), Fraction(0))
    return Aggregate(pillar_scores, shares, max_points, overall)


def in_units(weights: list[Fraction]) -> tuple[int, list[int]]:
    """(scale, each weight as a whole number of 1/scale), as engine.plan compiles a set."""
    scale = lcm(*[w.denominator for w in weights])
    return scale, [int(w * scale) for w in weights]


@SOME
@given(items, st.lists(decimals, min_size=4, max_size=4), st.booleans())
def test_aggregate_equals_the_definition(
    rows: list[tuple[str, Fraction, Fraction | None]], weights: list[Fraction], with_points: bool
) -> None:
    declared = [(f"c{i}", p, w, s) for i, (p, w, s) in enumerate(rows)]
    pillar_declared = dict(zip(PILLARS, weights, strict=True))
    _, units = in_units([w for _, _, w, _ in declared] + weights)
    criterion_units, pillar_units = units[: len(declared)], units[len(declared) :]
    scaled = [(c, p, u, s) for (c, p, _, s), u in zip(declared, criterion_units, strict=True)]
    pillar_scaled = dict(zip(PILLARS, pillar_units, strict=True))
    got = aggregate(scaled, pillar_scaled, with_points)
    want = aggregate_by_definition(declared, pillar_declared)
    assert got.pillar_scores == want.pillar_scores
    assert got.overall == want.overall
    assert got.shares == (want.shares if with_points else {})
    assert got.max_points == (want.max_points if with_points else {})


@SOME
@given(items, st.lists(decimals, min_size=4, max_size=4))
def test_float_aggregate_is_the_same_rule(
    rows: list[tuple[str, Fraction, Fraction | None]], weights: list[Fraction]
) -> None:
    # The uncertainty analysis's float twin: the same rule, to float precision.
    declared = [(f"c{i}", p, w, s) for i, (p, w, s) in enumerate(rows)]
    want = aggregate_by_definition(declared, dict(zip(PILLARS, weights, strict=True)))
    got = aggregate_float(
        [(c, p, float(w), None if s is None else float(s)) for c, p, w, s in declared],
        {p: float(w) for p, w in zip(PILLARS, weights, strict=True)},
    )
    assert isinstance(got.overall, float | int)
    assert got.overall == pytest.approx(float(want.overall), abs=1e-9)
    for p, s in want.pillar_scores.items():
        assert got.pillar_scores[p] == (None if s is None else pytest.approx(float(s), abs=1e-9))
    assert got.max_points == pytest.approx({k: float(v) for k, v in want.max_points.items()})


@SOME
@given(st.lists(st.tuples(st.one_of(st.integers(0, 50), decimals), scores), max_size=30))
def test_weighted_mean_is_the_sum_of_fractions(terms: list[tuple[Any, Fraction]]) -> None:
    weights = [w for w, _ in terms]
    values = [v for _, v in terms]
    total = sum(weights, Fraction(0))
    want = 100 * sum((w * v for w, v in terms), Fraction(0)) / total if total else None
    assert weighted_mean(weights, values, 100) == want


@SOME
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**5), st.integers(0, 6))
def test_rounding_is_half_up_on_the_exact_value(x: Fraction, digits: int) -> None:
    exact = Decimal(x.numerator) / Decimal(x.denominator)  # 28 significant digits: enough here
    want = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert rounded(x, digits) == Fraction(want)
    assert round_half_up(x, digits) == float(want)


@pytest.mark.parametrize("lens", [None, *sorted(CSET.lenses)])
def test_compiled_weights_are_the_declared_ones(lens: str | None) -> None:
    cset = CSET.with_lens(lens)
    compiled = set_plan(cset)
    unit = compiled.weight_scale
    for c in compiled.criteria:
        assert Fraction(c.weight, unit) == q(c.crit.weight)
        declared = getattr(c.crit.rule, "parts", None)
        if declared:
            assert [Fraction(w, unit) for _, w, *_ in c.parts] == [q(p.weight) for p in declared]
    for p in cset.header.pillars:
        assert Fraction(pillar_weights(cset)[p.id], unit) == q(p.weight)


def judged(facts: dict[str, Any]) -> tuple[Any, dict[str, Any], Any]:
    """(profile, values judged, stated judgement) of generated facts."""
    data = {"project": {"name": "Generated", "country": "Nowhere"}, "facts": facts}
    profile = build_profile(Document("gen.yaml", data), CSET)
    _, values, _, stated = judged_profile(profile, CSET)
    return profile, values, stated


def coverage_by_definition(
    values: dict[str, Any], outcomes: list[Any]
) -> tuple[Fraction, dict[str, Fraction | None]]:
    """Coverage as its definition reads: the share of the nominal points (every applicable
    criterion's possible points) on stated facts, overall; per pillar, the share of its
    applicable criteria's weight on stated facts."""
    plan = plan_for(CSET)
    applicable_ones = [c for c, o in zip(plan, outcomes, strict=True) if o is not None]
    nominal = aggregate_by_definition(
        [(c.crit.id, c.crit.pillar, q(c.crit.weight), Fraction(0)) for c in applicable_ones],
        {p.id: q(p.weight) for p in CSET.header.pillars},
    ).max_points
    known = {
        c.crit.id: sum(
            (
                Fraction(w, c.part_total)
                for f, w in zip(c.part_facts, c.part_units, strict=True)
                if f in values
            ),
            Fraction(0),
        )
        for c in applicable_ones
    }
    total = sum(nominal.values(), Fraction(0))
    overall = (
        100 * sum((nominal[cid] * k for cid, k in known.items()), Fraction(0)) / total
        if total
        else Fraction(0)
    )
    pillars: dict[str, Fraction | None] = {}
    for p in CSET.header.pillars:
        mine = [
            (q(c.crit.weight), known[c.crit.id]) for c in applicable_ones if c.crit.pillar == p.id
        ]
        weight = sum((w for w, _ in mine), Fraction(0))
        pillars[p.id] = (
            100 * sum((w * k for w, k in mine), Fraction(0)) / weight if weight else None
        )
    return overall, pillars


@settings(max_examples=60, deadline=None)
@given(profiles(CSET))
def test_coverage_equals_its_definition(facts: dict[str, Any]) -> None:
    profile, values, stated = judged(facts)
    got = evidence(plan_for(CSET), stated.outcomes, profile, CSET, values)
    overall, pillars = coverage_by_definition(values, stated.outcomes)
    assert got.coverage == overall
    assert got.pillar_coverage == {
        p: None if v is None else round_half_up(v, 1) for p, v in pillars.items()
    }


@settings(max_examples=60, deadline=None)
@given(profiles(CSET))
def test_pillar_points_are_the_sum_of_their_criteria(facts: dict[str, Any]) -> None:
    # evaluate() prints a pillar's points and possible points as share x score and 100 x share:
    # by definition they are the sums of its criteria's points and possible points.
    _, _, stated = judged(facts)
    agg = stated.agg
    plan = plan_for(CSET)
    for p in CSET.header.pillars:
        mine = [(c, o) for c, o in zip(plan, stated.outcomes, strict=True) if c.crit.pillar == p.id]
        possible = sum((agg.max_points[c.crit.id] for c, _ in mine), Fraction(0))
        earned = sum(
            (agg.max_points[c.crit.id] * o[0] for c, o in mine if o is not None),
            Fraction(0),
        )
        assert possible == 100 * agg.shares[p.id]
        assert earned == agg.shares[p.id] * (agg.pillar_scores[p.id] or 0)


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
