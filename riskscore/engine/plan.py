"""What scoring needs of a criteria set that depends only on the set: compiled once per set.

Compiling turns every declared weight (criterion, pillar, weighted-rule part) into a whole
number of the set's weight unit, 1 / `weight_scale` (the least common denominator of all of
them: 1 for a set whose weights are whole numbers, 20 for one that declares 0.35 and 0.1).
A weight counts only relative to the others in its mean, so the scaling changes no score, and
every sum of weights in the engine is a sum of integers. Scores stay exact `Fraction`s
(engine.rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from typing import Any

from riskscore.engine.rules import (
    SCORERS,
    FlatPart,
    PartScores,
    bounds,
    flat_parts,
    q,
    weight_units,
)
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet

_CACHE_ATTR = "_engine_plan"


@dataclass(frozen=True)
class CriterionPlan:
    """What scoring needs of one criterion that depends only on the set, so evaluate() does
    not rebuild it for every profile."""

    crit: m.Criterion
    weight: int  # in the set's weight unit (1 / SetPlan.weight_scale)
    unknown_score: (
        Fraction  # what an unknown fact scores: 0 in method v3 (no credit without evidence)
    )
    stages: frozenset[str] | None  # stages at which it applies; None: all
    context: bool  # a context criterion (the setting), not a governance one
    parts: tuple[FlatPart, ...]  # at an unstated stage, or when no part or tier depends on it
    # The parts at a stated stage where a part leaves the rule or a tier cannot exist yet
    # (LevelsRule.reachable_from, Part.stages); stages not listed use `parts`.
    staged_parts: dict[str, tuple[FlatPart, ...]]
    weighted: bool
    condition_facts: tuple[str, ...]  # facts of `not_applicable_when`, each once, in order
    gate_facts: tuple[str, ...]  # facts of the gate's condition, each once, in order
    gates: tuple[tuple[m.Gate, tuple[str, ...]], ...]  # every gate with its facts
    # Per part: the index of the last part reading the same fact. A fact read by two weighted
    # parts is reported once, with the last part's weight and score (as it always was).
    last_part_for_fact: tuple[int, ...]
    sources: tuple[str, ...]
    actionable: bool  # some fact the rule reads is one the project can act on
    part_facts: tuple[str, ...]  # the fact each part reads, in part order
    part_units: tuple[int, ...]  # each part's weight, in the weight unit, in part order
    part_total: int  # the rule's total part weight, in the weight unit
    # The weight and each part's weight as the scorecard prints them (float), converted once
    weight_shown: float
    part_weights_shown: tuple[float, ...]
    # score_parts results by (mode, the values of part_facts): a criterion's score depends on
    # nothing else, and a portfolio repeats the same few answers (engine.criterion.score_plan)
    memo: dict[tuple[Any, ...], PartScores] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SetPlan:
    """A criteria set compiled for scoring: its criteria's plans in set order, the pillar
    weights (in the weight unit, by pillar id), and the criteria critical floors name."""

    criteria: tuple[CriterionPlan, ...]
    pillar_weights: dict[str, int]
    # (plan index, criterion id) of every criterion a critical floor names, in plan order: the
    # only ones engine.aggregate.floor_caps() reads
    critical: tuple[tuple[int, str], ...]
    weight_scale: int  # every weight is a whole number of 1 / weight_scale


def set_plan(cset: CriteriaSet) -> SetPlan:
    """`cset` compiled (SetPlan), once: cached on the set instance, as
    functools.cached_property would (a lens makes a new set, so the cache cannot go stale);
    the set itself stays a load-stage object that knows no rules."""
    cached: SetPlan | None = cset.__dict__.get(_CACHE_ATTR)
    if cached is None:
        cached = cset.__dict__[_CACHE_ATTR] = _compile(cset)
    return cached


def plan_for(cset: CriteriaSet) -> tuple[CriterionPlan, ...]:
    """One CriterionPlan per criterion of `cset`, in set order (set_plan)."""
    return set_plan(cset).criteria


def critical_plans(cset: CriteriaSet) -> tuple[tuple[int, str], ...]:
    """(plan index, criterion id) of every criterion a critical floor names (set_plan)."""
    return set_plan(cset).critical


def pillar_weights(cset: CriteriaSet) -> dict[str, int]:
    """Each pillar's declared weight in the set's weight unit, by pillar id (set_plan)."""
    return set_plan(cset).pillar_weights


def weight_scale(cset: CriteriaSet) -> int:
    """1 / the set's weight unit: the least common denominator of every weight it declares
    (criteria, pillars and weighted-rule parts, each read as the decimal it was written as)."""
    declared: list[float] = [p.weight for p in cset.header.pillars]
    for crit in cset.criteria:
        declared.append(crit.weight)
        if isinstance(crit.rule, m.WeightedRule):
            declared.extend(part.weight for part in crit.rule.parts)
    return lcm(*[q(w).denominator for w in declared])


def _compile(cset: CriteriaSet) -> SetPlan:
    scale = weight_scale(cset)
    criteria = tuple(_plan(c, cset.facts, scale) for c in cset.criteria)
    named = {cid for floor in cset.header.critical for cid in floor.criteria}
    return SetPlan(
        criteria=criteria,
        pillar_weights={p.id: weight_units(p.weight, scale) for p in cset.header.pillars},
        critical=tuple((i, c.crit.id) for i, c in enumerate(criteria) if c.crit.id in named),
        weight_scale=scale,
    )


def parts_at(c: CriterionPlan, stage: str | None) -> tuple[FlatPart, ...]:
    """The criterion's scorable parts at project `stage` (None: unstated, every part)."""
    if stage is None or not c.staged_parts:
        return c.parts
    return c.staged_parts.get(stage, c.parts)


def _staged(crit: m.Criterion, scale: int) -> dict[str, tuple[FlatPart, ...]]:
    """The parts at each stage where they differ from every-stage parts, part for part: a part
    whose `stages:` leave it out weighs 0 there (its weight goes to the other parts), and a
    levels rule whose top tiers cannot exist yet is rescaled (`_reachable`)."""
    rule = crit.rule
    pieces = (
        [(p.weight, p.rule, p.stages) for p in rule.parts]
        if isinstance(rule, m.WeightedRule)
        else [(1, rule, None)]
    )
    dependent = any(
        st is not None or (isinstance(r, m.LevelsRule) and r.reachable_from) for _, r, st in pieces
    )
    if not dependent:
        return {}
    out: dict[str, tuple[FlatPart, ...]] = {}
    for stage in m.STAGE_ORDER:
        parts: list[FlatPart] = []
        for weight, r, st in pieces:
            here = _reachable(r, stage)
            w = weight_units(weight, scale) if st is None or stage in st else 0
            parts.append((r.fact, w, SCORERS[r.type], here, *bounds(here)))
        if not any(w for _, w, *_ in parts):  # every part left: the criterion's `stages` rule
            parts = list(flat_parts(rule, scale))
        out[stage] = tuple(parts)
    return out


def _reachable(rule: Any, stage: str) -> Any:
    """A levels rule at `stage`: a value that cannot exist yet (its `reachable_from` stage is
    later) scores as the best value that can; the best value that can exist scores the top."""
    if not isinstance(rule, m.LevelsRule) or not rule.reachable_from:
        return rule
    at = m.STAGE_ORDER.index(stage)
    open_ = {
        v: s
        for v, s in rule.scores.items()
        if v not in rule.reachable_from or m.STAGE_ORDER.index(rule.reachable_from[v]) <= at
    }
    if len(open_) == len(rule.scores) or not open_:
        return rule
    top = max(rule.scores.values())
    best_open = max(open_.values())
    scores = {v: (top if v not in open_ or s == best_open else s) for v, s in rule.scores.items()}
    return rule.model_copy(update={"scores": scores})


def _plan(crit: m.Criterion, facts: dict[str, m.Fact], scale: int) -> CriterionPlan:
    parts = flat_parts(crit.rule, scale)
    last = {fact: i for i, (fact, *_) in enumerate(parts)}
    total = sum(w for _, w, *_ in parts)
    cond, gate = crit.not_applicable_when, crit.gate
    return CriterionPlan(
        crit=crit,
        weight=weight_units(crit.weight, scale),
        unknown_score=q(0),
        stages=frozenset(crit.stages) if crit.stages is not None else None,
        context=crit.kind == "context",
        parts=parts,
        staged_parts=_staged(crit, scale),
        weighted=isinstance(crit.rule, m.WeightedRule),
        condition_facts=tuple(dict.fromkeys(m.condition_facts(cond))) if cond is not None else (),
        gate_facts=tuple(dict.fromkeys(m.condition_facts(gate.when))) if gate is not None else (),
        gates=tuple(
            (g, tuple(dict.fromkeys(m.condition_facts(g.when))))
            for g in ([gate] if gate is not None else []) + list(crit.more_gates)
        ),
        last_part_for_fact=tuple(last[fact] for fact, *_ in parts),
        sources=tuple(s.ref for s in crit.sources),
        actionable=any(facts[f].actionable for f, *_ in parts if f in facts),
        part_facts=tuple(fact for fact, *_ in parts),
        part_units=tuple(w for _, w, *_ in parts),
        part_total=total,
        weight_shown=float(q(crit.weight)),
        part_weights_shown=tuple(w / scale for _, w, *_ in parts),  # int / int: correctly rounded
    )
