"""Score one criterion from fact values: applicability (stage, condition), unknown policy, rule.

`score_criterion` is the engine's single-criterion entry point: evaluate() uses it for every
criterion, and analyses (sensitivity, what-if) should call it rather than re-implement rules.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from riskscore.engine.plan import CriterionPlan, plan_for
from riskscore.engine.rules import Mode, PartScores, holds, score_parts
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

    An applicability condition that depends on unknown facts counts as applicable, in every
    mode: the criterion is then scored by its unknown policy (or at worst / best).
    """
    if applicable(c, values, stage) is False:
        return None
    key = (mode, *[values.get(f) for f in c.part_facts])
    memo = c.memo
    found = memo.get(key)
    if found is None:
        found = score_parts(c.parts, values, c.unknown_score, mode)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = found
    return found


MEMO_SIZE = 4096
"""Answers remembered per criterion. The key holds fact values, which every rule type scores
alike when they compare equal (True and 1, 2 and 2.0), so a remembered answer is exact."""


def score_criterion(
    cset: CriteriaSet,
    criterion_id: str,
    values: dict[str, Any],
    stage: str | None = None,
    mode: Mode = "stated",
) -> Fraction | None:
    """The score in [0, 1] (exact) of criterion `criterion_id` given fact values by id.

    `values` maps fact ids to stated values (a missing id is unknown); `stage` is the
    project's stage (None: every stage). Returns None when the criterion is not applicable
    or when every fact it reads is unknown and its unknown policy is `exclude`. `mode`
    "worst"/"best" scores unknown facts at their lowest/highest allowed value.
    Raises riskscore.errors.UsageError for an unknown criterion id.
    """
    cset.criterion(criterion_id)  # raises UsageError with a suggestion
    plan = next(c for c in plan_for(cset) if c.crit.id == criterion_id)
    outcome = score_plan(plan, values, stage, mode)
    return None if outcome is None else outcome[0]
