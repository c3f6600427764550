"""Whether one fact change surely moves a scorecard's printed score, without judging anew.

The roadmap's first step needs to know whether a candidate step gains at all (roadmap._useful);
the exact answer is a new judgement of the changed profile (engine.assess). Most candidates
change one criterion's score and nothing else, and then the answer follows from the
aggregation rule alone: the overall score is a weighted mean of pillar means, so while the
criteria that count stay the same, raising one criterion's score by d raises the overall score
by exactly d x that criterion's possible points (engine.aggregate: a counted criterion's
possible points are 100 x its pillar's share x its weight over its pillar's counted weight).
`surely_useful` checks the conditions that make this exact. It bounds the gain from below with
the possible points the scorecard prints, and it also knows when a change can move nothing at
all (the criterion's score stays, and no red flag reads the fact). When it cannot be sure it
says None, and the caller judges the changed profile as before. It never contradicts a
judgement (tests/test_assess.py holds it to assess() over generated profiles).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from riskscore.engine.criterion import applicable, score_plan
from riskscore.engine.plan import CriterionPlan, plan_for
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import condition_facts
from riskscore.load.profile_models import Profile

_ATTR = "_sure_gain_index"


def surely_useful(
    card: Scorecard,
    profile: Profile,
    cset: CriteriaSet,
    criterion_id: str,
    fact_id: str,
    value: Any,
) -> bool | None:
    """Whether stating `fact_id: value` raises `card`'s printed score or clears one of its red
    flags (roadmap._useful), when that follows from the aggregation rule; None when it does not
    (`card` must be evaluate(profile, cset, today)).

    Decidable when the fact is read by `criterion_id` alone, as a scored part and not in its
    applicability condition, and is in no gate condition with a window (such a gate decides
    which facts count as stale, engine.evidence.stale_facts). Then only that criterion's score
    can change and the criteria that count stay the same, so the exact overall score moves by
    possible points x d, where d is the change of the criterion's score:
    - True when it applies and (possible points - half a printed unit) x d is at least one
      printed unit (10^-score_digits): a rise of a unit or more raises the half-up rounded
      score;
    - False when d is 0 and no red flag of `card` is on a criterion with a gate that reads the
      fact: the score stays and no flag can clear (FPIC while `indigenous_peoples_affected` is
      unknown scores 0 whatever consent is stated);
    - None otherwise."""
    plans, readers, windowed, gated = _index(cset)
    if readers.get(fact_id) != {criterion_id} or fact_id in windowed:
        return None
    c = plans[criterion_id]
    if fact_id in c.condition_facts:
        return None
    result = next((r for r in card.criteria if r.id == criterion_id), None)
    if result is None or result.status == "not_applicable":
        return None
    stale_unknown = cset.header.evidence.stale == "unknown"
    stale = set(card.stale_facts) if stale_unknown else set()
    values = {
        f: profile.facts[f].value
        for f in (*c.part_facts, *c.condition_facts)
        if f in profile.facts and f not in stale
    }
    stage = profile.project.stage
    before = score_plan(c, values, stage, "stated")
    after = score_plan(c, {**values, fact_id: value}, stage, "stated")
    if before is None or after is None or before[0] is None or after[0] is None:
        return None
    rise = after[0] - before[0]
    if rise == 0 and not gated.get(fact_id, set()) & {f.criterion for f in card.flags}:
        return False
    if rise <= 0 or applicable(c, values, stage) is not True:
        return None
    unit = Fraction(1, 10**cset.header.rounding.score_digits)
    least_points = Fraction(str(result.max_points)) - unit / 2
    return True if least_points * rise >= unit else None


def _index(
    cset: CriteriaSet,
) -> tuple[dict[str, CriterionPlan], dict[str, set[str]], frozenset[str], dict[str, set[str]]]:
    """(plans by criterion id, criteria reading each fact as a part or in their applicability
    condition, facts of every gate condition with a window, the criteria whose gates read each
    fact), once per set instance."""
    found = cset.__dict__.get(_ATTR)
    if found is None:
        plans = {c.crit.id: c for c in plan_for(cset)}
        readers: dict[str, set[str]] = {}
        for c in plans.values():
            for fact in (*c.part_facts, *c.condition_facts):
                readers.setdefault(fact, set()).add(c.crit.id)
        gates = [
            (crit.id, gate)
            for crit in cset.criteria
            for gate in (crit.gate, *crit.more_gates)
            if gate is not None
        ]
        windowed = frozenset(
            fact
            for _, gate in gates
            if gate.window_months is not None
            for fact in condition_facts(gate.when)
        )
        gated: dict[str, set[str]] = {}
        for crit_id, gate in gates:
            for fact in condition_facts(gate.when):
                gated.setdefault(fact, set()).add(crit_id)
        found = cset.__dict__[_ATTR] = (plans, readers, windowed, gated)
    return found
