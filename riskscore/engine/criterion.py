"""Score one criterion from fact values: applicability (stage, condition), unknown policy, rule.

`score_criterion` is the engine's single-criterion entry point: evaluate() uses it for every
criterion, and analyses (sensitivity, what-if) should call it rather than re-implement rules.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from riskscore.engine.plan import CriterionPlan, parts_at, plan_for
from riskscore.engine.rules import ZERO, Mode, PartScores, holds, score_parts
from riskscore.load.criteria.criteria_set import CriteriaSet


def applicable(c: CriterionPlan, values: dict[str, Any], stage: str | None) -> bool | None:
    """Whether the criterion applies: False at a stage it does not cover or when its
    `not_applicable_when` condition holds, None when that condition depends on unknown facts."""
    if stage is not None and c.stages is not None and stage not in c.stages:
        return False
    cond = c.crit.not_applicable_when
    if cond is None:
        return True
    result = holds(cond, values)
    return None if result is None else not result


def score_plan(
    c: CriterionPlan, values: dict[str, Any], stage: str | None, mode: Mode = "stated"
) -> PartScores | None:
    """(score, known share, part scores) of one planned criterion, or None when not applicable.

    An applicability condition that depends on unknown facts counts as applicable: at the
    stated score (and at the worst end) the criterion then scores 0 with nothing known, as an
    unknown fact does (no credit until the facts that make it apply are stated, so deleting
    such a fact never raises a score); at the best end it is scored at its best. Parts and
    tiers follow the project's stage (engine.plan.parts_at).
    """
    applies = applicable(c, values, stage)
    if applies is False:
        return None
    if applies is None and mode != "best":
        return ZERO, ZERO, (None,) * len(c.part_facts)
    staged = stage is not None and bool(c.staged_parts)
    key = (mode, stage if staged else None, *[values.get(f) for f in c.part_facts])
    memo = c.memo
    found = memo.get(key)
    if found is None:
        found = score_parts(parts_at(c, stage), values, c.unknown_score, mode)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = found
    return found


MEMO_SIZE = 4096
"""Answers remembered per criterion. The key holds fact values, which every rule type scores
alike when they compare equal (True and 1, 2 and 2.0), so a remembered answer is exact. It
pays: over 200 distinct synthetic profiles (bench/synth.py), evaluate() took about a quarter
longer per profile with every criterion scored afresh (docs/performance.md, issue 19)."""


def score_criterion(
    cset: CriteriaSet,
    criterion_id: str,
    values: dict[str, Any],
    stage: str | None = None,
    mode: Mode = "stated",
) -> Fraction | None:
    """The score in [0, 1] (exact) of criterion `criterion_id` given fact values by id.

    `values` maps fact ids to stated values (a missing id is unknown); `stage` is the
    project's stage (None: every stage). Returns None when the criterion is not applicable.
    An unknown fact scores 0 (method v3); `mode` "best" scores it at its highest allowed value.
    Raises riskscore.errors.UsageError for an unknown criterion id.
    """
    cset.criterion(criterion_id)  # raises UsageError with a suggestion
    plan = next(c for c in plan_for(cset) if c.crit.id == criterion_id)
    outcome = score_plan(plan, values, stage, mode)
    return None if outcome is None else outcome[0]
