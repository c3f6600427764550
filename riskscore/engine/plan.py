"""Per-criterion data that scoring needs and that depends only on the set: built once per set."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from riskscore.engine.rules import SCORERS, ZERO, FlatPart, PartScores, bounds, flat_parts, q
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet

_CACHE_ATTR = "_engine_plan"
_MEMO_ATTR = "_engine_aggregation_memo"
_WEIGHTS_ATTR = "_engine_pillar_weights"
_CRITICAL_ATTR = "_engine_critical_plans"


@dataclass(frozen=True)
class CriterionPlan:
    """What scoring needs of one criterion that depends only on the set, so evaluate() does
    not rebuild it for every profile."""

    crit: m.Criterion
    weight: Fraction
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
    part_shares: tuple[Fraction, ...]  # each part's weight over the rule's total part weight
    # The weight and each part's weight as the scorecard prints them (float), converted once
    weight_shown: float
    part_weights_shown: tuple[float, ...]
    # score_parts results by (mode, the values of part_facts): a criterion's score depends on
    # nothing else, and a portfolio repeats the same few answers (engine.criterion.score_plan)
    memo: dict[tuple[Any, ...], PartScores] = field(default_factory=dict, compare=False)


def plan_for(cset: CriteriaSet) -> tuple[CriterionPlan, ...]:
    """One CriterionPlan per criterion of `cset`, in set order.

    Cached on the set instance, as functools.cached_property would (a lens makes a new set, so
    the cache cannot go stale); the set itself stays a load-stage object that knows no rules.
    """
    cached: tuple[CriterionPlan, ...] | None = cset.__dict__.get(_CACHE_ATTR)
    if cached is None:
        cached = tuple(_plan(c, cset.facts, cset.header.unknown) for c in cset.criteria)
        cset.__dict__[_CACHE_ATTR] = cached
    return cached


def aggregation_memo(cset: CriteriaSet) -> dict[tuple[bool, ...], Any]:
    """The `memo` that engine.aggregate.aggregate() keeps for `cset`'s criteria in plan order
    (every engine call passes them so), cached on the set instance like plan_for()."""
    memo: dict[tuple[bool, ...], Any] | None = cset.__dict__.get(_MEMO_ATTR)
    if memo is None:
        memo = cset.__dict__[_MEMO_ATTR] = {}
    return memo


def critical_plans(cset: CriteriaSet) -> tuple[tuple[int, str], ...]:
    """(plan index, criterion id) of every criterion a critical floor names, in plan order
    (cached on the set instance like plan_for()): the only ones engine.aggregate.floor_caps()
    reads, so a caller that judges many outcomes need not map every criterion for it."""
    cached: tuple[tuple[int, str], ...] | None = cset.__dict__.get(_CRITICAL_ATTR)
    if cached is None:
        named = {cid for floor in cset.header.critical for cid in floor.criteria}
        cached = tuple((i, c.crit.id) for i, c in enumerate(plan_for(cset)) if c.crit.id in named)
        cset.__dict__[_CRITICAL_ATTR] = cached
    return cached


def pillar_weights(cset: CriteriaSet) -> dict[str, Fraction]:
    """Each pillar's declared weight, exact, by pillar id (cached on the set instance)."""
    weights: dict[str, Fraction] | None = cset.__dict__.get(_WEIGHTS_ATTR)
    if weights is None:
        weights = cset.__dict__[_WEIGHTS_ATTR] = {p.id: q(p.weight) for p in cset.header.pillars}
    return weights


def parts_at(c: CriterionPlan, stage: str | None) -> tuple[FlatPart, ...]:
    """The criterion's scorable parts at project `stage` (None: unstated, every part)."""
    if stage is None or not c.staged_parts:
        return c.parts
    return c.staged_parts.get(stage, c.parts)


def _staged(crit: m.Criterion) -> dict[str, tuple[FlatPart, ...]]:
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
            w = q(weight) if st is None or stage in st else ZERO
            parts.append((r.fact, w, SCORERS[r.type], here, *bounds(here)))
        if not any(w for _, w, *_ in parts):  # every part left: the criterion's `stages` rule
            parts = list(flat_parts(rule))
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


def _plan(crit: m.Criterion, facts: dict[str, m.Fact], default: m.UnknownPolicy) -> CriterionPlan:
    parts = flat_parts(crit.rule)
    last = {fact: i for i, (fact, *_) in enumerate(parts)}
    total = sum((w for _, w, *_ in parts), Fraction(0))
    cond, gate = crit.not_applicable_when, crit.gate
    return CriterionPlan(
        crit=crit,
        weight=q(crit.weight),
        unknown_score=q(0),
        stages=frozenset(crit.stages) if crit.stages is not None else None,
        context=crit.kind == "context",
        parts=parts,
        staged_parts=_staged(crit),
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
        part_shares=tuple(w / total for _, w, *_ in parts),
        weight_shown=float(q(crit.weight)),
        part_weights_shown=tuple(float(w) for _, w, *_ in parts),
    )
