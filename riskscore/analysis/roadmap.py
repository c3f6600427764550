"""Roadmap: the single-fact changes an analyst would pursue first, found greedily.

Each step applies the candidate that unlocks most, in this order: it clears a red flag, then
it lifts the band, then it settles insufficient evidence, then the largest score gain
(IRMA and OECD Annex II both put red flags before scores). Candidates come only from
governance criteria and from facts the parties can act on: a context criterion (the
country's EITI status, national disclosure law, conflict) or a fact marked
`actionable: false` (conflict exposure, allegations of abuses, which are investigated and
closed rather than wished away) is never proposed. A step is "document" when it states an
unknown fact (documenting what exists) and "practice" when it changes a stated one; each
says why the band did or did not move.

Candidates come from every criterion that is not met, one per simple rule part:
enum and boolean facts may take any value the rule scores higher than the current one; a
number fact may move to the nearest breakpoint of the rule (`at`/`at_least`, or the fact's
declared min/max) that scores higher, above or below the current value (when the fact is
unknown: the lowest breakpoint for each higher score). Each step evaluates every candidate
with evaluate() and applies the one with the largest score gain; ties go to the lower
criterion id, then fact id, then the more modest value. It stops when nothing gains or
after max_steps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

from riskscore.analysis.constraints import (
    TOP_IMPROVEMENTS,
    Constraint,
    binding_constraints,
    gate_facts,
    rule_facts,
    top_improvements,
)
from riskscore.analysis.sure_gain import surely_useful
from riskscore.analysis.whatif import FactValue, printed_delta, with_facts
from riskscore.engine.assess import assess
from riskscore.engine.evaluate import evaluate, remediation_for
from riskscore.engine.order import switches_off
from riskscore.engine.rules import SCORERS, q
from riskscore.engine.scorecard import Improvement, Result, Scorecard
from riskscore.load.criteria import models
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Fact, LinearRule, ThresholdsRule, WeightedRule
from riskscore.load.profile_models import Profile

NOT_MET = ("partial", "unmet", "unknown")
STAGES = ("agreement", "exploration", "development", "construction", "production", "closed")
"""Project stages in life-cycle order (method v3, set.yaml `stages:`), for a value's
`reachable_from` stage when the models do not export their own order."""


class RoadmapStep(Result):
    fact: str
    old: FactValue | None
    new: FactValue | None
    """None for a `remediate` step: no fact change is simulated."""
    criterion: str
    kind: str
    """"document": an unknown fact is stated; "practice": a stated fact changes;
    "remediate": a binding constraint on a fact the parties cannot set (allegations,
    conflict) is addressed by the criterion's remediation, e.g. an independent investigation;
    the score and band stay until its outcome is known."""
    gain: float
    score_after: float
    band_after: str
    flags_cleared: list[str]
    addresses: str | None = None
    """The binding constraint the step addresses ("red flag serious-abuses"), if any."""
    settles: bool = False
    """The step makes the evidence sufficient by raising the low end of the range (a step
    that only lowers the upper bound never counts)."""
    why: str  # why the band did or did not move
    remediation: str


class Roadmap(Result):
    project: str
    start_score: float
    start_band: str
    binding: list[Constraint] = []
    """The constraints that hold the starting band (analysis.constraints)."""
    steps: list[RoadmapStep]


Candidate = tuple[str, str, FactValue]
"""A candidate step: (criterion, fact, new value)."""
Choice = tuple[str, str, FactValue, Profile]
"""A chosen candidate: (criterion, fact, new value, the profile with it)."""


def build_roadmap(
    profile: Profile,
    cset: CriteriaSet,
    today: str | None = None,
    max_steps: int = 10,
    card: Scorecard | None = None,
) -> Roadmap:
    """Up to `max_steps` improvement steps; each step's score_after is evaluate()'s score.

    When a gate or critical floor holds the band, the next step addresses it: the candidate
    for its criterion that lifts it (then the band, then the score), or, when no fact of it is
    a lever, a `remediate` step with the criterion's remediation (once per criterion). Else
    the first step works on the first of evaluate's improvements (analysis.constraints) that
    has a candidate that gains, and later steps take the candidate that clears a red flag,
    then lifts the band, then settles insufficient evidence, then gains most. `card`, when
    given, must be evaluate(profile, cset, today): it is the starting point, not evaluated
    again."""
    card = evaluate(profile, cset, today) if card is None else card
    start = card
    start_binding = binding_constraints(card, cset, profile)
    steps: list[RoadmapStep] = []
    remediated: set[str] = set()
    while len(steps) < max_steps:
        target, chosen = _choose(card, profile, cset, today, remediated, first=not steps)
        if target is not None and chosen is None:
            steps.append(_remediate(card, profile, cset, target))
            remediated.add(target.criterion)
            continue
        if chosen is None:
            break
        crit_id, fact_id, value, profile_after = chosen
        after = evaluate(profile_after, cset, today)
        old = profile.facts.get(fact_id)
        steps.append(
            RoadmapStep(
                fact=fact_id,
                old=old.value if old else None,
                new=value,
                criterion=crit_id,
                kind="document" if old is None else "practice",
                gain=printed_delta(after.score, card.score),
                score_after=after.score,
                band_after=after.band,
                flags_cleared=sorted(_flag_ids(card) - _flag_ids(after)),
                addresses=_label(target) if target is not None else None,
                settles=_settles(card, after),
                why=_why(card, after, cset, profile_after),
                remediation=(old is None and _searched(fact_id, value, cset))
                or remediation_for(cset.criterion(crit_id), profile.country_iso),
            )
        )
        card, profile = after, profile_after
    return Roadmap(
        project=start.project,
        start_score=start.score,
        start_band=start.band,
        binding=start_binding,
        steps=steps,
    )


def _choose(
    card: Scorecard,
    profile: Profile,
    cset: CriteriaSet,
    today: str | None,
    remediated: set[str],
    first: bool,
) -> tuple[Constraint | None, Choice | None]:
    """(the binding constraint the next step addresses or None, the chosen candidate or None).

    A constraint with no candidate is a `remediate` step; neither is the end of the roadmap.
    `first`: the roadmap has no step yet, so without a constraint the pool is the candidates
    of evaluate's first improvement that has a candidate that gains (its list in order:
    analysis.constraints.top_improvements); all candidates only when none of them has."""
    binding = [b for b in binding_constraints(card, cset, profile) if b.criterion not in remediated]
    candidates = list(_candidates(card, profile, cset))
    if binding:
        target = binding[0]
        pool = [c for c in candidates if c[0] == target.criterion]
        return target, _best(card, profile, cset, today, pool, target)
    if first:
        for lead in top_improvements(card, cset, profile, [c[0] for c in candidates]):
            pool = [c for c in candidates if c[0] == lead.criterion]
            chosen = _best(card, profile, cset, today, pool, None)
            if chosen is not None:
                return None, chosen
    return None, _best(card, profile, cset, today, candidates, None)


def _best(
    card: Scorecard,
    profile: Profile,
    cset: CriteriaSet,
    today: str | None,
    candidates: list[tuple[str, str, FactValue]],
    target: Constraint | None,
) -> Choice | None:
    """The candidate that unlocks most; None when none gains.

    With a `target` constraint: lifting it first, then the band, then the score; a candidate
    that does neither lift it nor gain is never taken. Each candidate is scored with evaluate()
    (with a target: the constraint is read off its scorecard) or with assess(), evaluate's
    verdict without the scorecard (without one). Whether a
    candidate settles insufficient evidence needs the score range, so it is computed only for a
    candidate that could still outrank the best so far."""
    if target is not None:
        return _best_for_target(card, profile, cset, today, candidates, target)
    order = [b.id for b in cset.header.bands]
    before_flags = _flag_ids(card)
    best: tuple[tuple[Any, ...], Choice] | None = None
    for crit_id, fact_id, value in _distinct(candidates):
        trial = with_facts(profile, {fact_id: value})
        verdict = assess(trial, cset)
        gain = printed_delta(verdict.score, card.score)
        cleared = len(before_flags - verdict.flags)
        if not (gain > 0 or cleared > 0):
            continue
        head = (cleared > 0, order.index(card.band) - order.index(verdict.band) > 0)
        if best is not None:
            best_head, best_settles, best_gain = best[0][:2], best[0][2], best[0][3]
            if head < best_head or (head == best_head and best_settles and gain <= best_gain):
                continue  # cannot outrank the best so far, whether it settles or not
        settles = (
            not card.evidence_sufficient
            and verdict.score > card.score_range[0]
            and verdict.evidence_sufficient()
        )
        rank = (*head, settles, gain)
        if best is None or rank > best[0]:
            best = (rank, (crit_id, fact_id, value, trial))
    return None if best is None else best[1]


def _best_for_target(
    card: Scorecard,
    profile: Profile,
    cset: CriteriaSet,
    today: str | None,
    candidates: list[tuple[str, str, FactValue]],
    target: Constraint,
) -> Choice | None:
    """_best() with a target constraint (the few candidates of its criterion)."""
    order = [b.id for b in cset.header.bands]
    best: tuple[tuple[Any, ...], Choice] | None = None
    for crit_id, fact_id, value in _distinct(candidates):
        trial = with_facts(profile, {fact_id: value})
        after = evaluate(trial, cset, today)
        gain = printed_delta(after.score, card.score)
        lift = order.index(card.band) - order.index(after.band)
        lifted = (
            not any(
                b.criterion == target.criterion and b.kind == target.kind
                for b in binding_constraints(after, cset, trial)
            )
            and lift >= 0
        )
        rank: tuple[Any, ...] = (lifted, lift > 0, gain)
        if (lifted or gain > 0) and (best is None or rank > best[0]):
            best = (rank, (crit_id, fact_id, value, trial))
    return None if best is None else best[1]


def _distinct(
    candidates: list[tuple[str, str, FactValue]],
) -> Iterator[tuple[str, str, FactValue]]:
    """The candidates in order, each (fact, value) once (True and 1 kept apart)."""
    tried: set[tuple[str, str, FactValue]] = set()
    for crit_id, fact_id, value in candidates:
        key = (fact_id, type(value).__name__, value)
        if key not in tried:
            tried.add(key)
            yield crit_id, fact_id, value


def _remediate(
    card: Scorecard, profile: Profile, cset: CriteriaSet, target: Constraint
) -> RoadmapStep:
    """A step for a binding constraint no fact change may lift: its remediation, the score
    and band unchanged until the outcome is known."""
    crit = cset.criterion(target.criterion)
    facts = gate_facts(crit) if target.kind == "gate" else rule_facts(crit)
    fact_id = facts[0] if facts else target.criterion
    stated = profile.facts.get(fact_id)
    titles = {b.id: b.title for b in cset.header.bands}
    return RoadmapStep(
        fact=fact_id,
        old=stated.value if stated else None,
        new=None,
        criterion=target.criterion,
        kind="remediate",
        gain=0.0,
        score_after=card.score,
        band_after=card.band,
        flags_cleared=[],
        addresses=_label(target),
        why=f"band stays {titles[card.band]}, held by {_label(target)} until the outcome is "
        "recorded"
        if stated
        else f"band stays {titles[card.band]}, held by {_label(target)} until {fact_id} is "
        "stated from a search (a value such as none_reported, sourced to what was searched)",
        remediation=remediation_for(crit, profile.country_iso),
    )


def _searched(fact_id: str, value: FactValue, cset: CriteriaSet) -> str:
    """What a "document" step takes when its value only a search can establish: a value no
    stated value may move to under the fact's `reachable:` map (an abuse or bribery fact's
    `none_reported`, `dispute_history: none`). Such a step is never a practice change: it
    records what a documented search finds, so its text says so instead of the criterion's
    remediation. Empty for any other value."""
    _, reachable = _limits(cset.facts[fact_id])
    if not reachable or any(value in targets for targets in reachable.values()):
        return ""
    return (
        f"Document, do not change: state what a search of reputable sources finds, "
        f"{fact_id}: {value} only if it finds nothing (sourced to a `kind: search` source "
        "describing the search), otherwise what it finds, with its date."
    )


def _label(constraint: Constraint) -> str:
    """E.g. "red flag (high) serious-abuses" or "critical floor provincial-consent"."""
    if constraint.kind == "gate":
        return f"red flag ({constraint.severity}) {constraint.criterion}"
    return f"critical floor {constraint.criterion}"


def _settles(before: Scorecard, after: Scorecard) -> bool:
    """Sufficient after, not before, and the low end of the range rose: a step that only
    lowers the upper bound (a weak value of an unrelated fact) never settles evidence."""
    return (
        after.evidence_sufficient
        and not before.evidence_sufficient
        and after.score_range[0] > before.score_range[0]
    )


def _flag_ids(card: Scorecard) -> set[str]:
    return {f.criterion for f in card.flags}


def _why(before: Scorecard, after: Scorecard, cset: CriteriaSet, profile: Profile) -> str:
    """Why the band moved or stayed: the constraints that hold it after the step, in the
    flags' own words, or the score's band."""
    titles = {b.id: b.title for b in cset.header.bands}
    moved = (
        f"band {titles[before.band]} → {titles[after.band]}"
        if after.band != before.band
        else f"band stays {titles[after.band]}"
    )
    held = binding_constraints(after, cset, profile)
    if held:
        return f"{moved}, held by " + "; ".join(_label(c) for c in held)
    refused = [n for n in after.band_notes if n.startswith("not ")]  # pillar minimums
    if refused:
        return f"{moved}: " + "; ".join(refused)
    if not after.evidence_sufficient:
        return f"{moved} (provisional: the evidence is insufficient)"
    return moved


def _candidates(
    card: Scorecard, profile: Profile, cset: CriteriaSet, only: set[str] | None = None
) -> Iterator[tuple[str, str, FactValue]]:
    """(criterion, fact, new value) in tie-break order: criterion id, fact id, modest first.

    Never a value that cannot be chosen: a deprecated one (the fact's `deprecated:` keys), one
    that cannot exist at the project's stage (a levels rule's `reachable_from` stage is later,
    or a part whose `stages:` leave it out), one a past event cannot lead to (the fact's
    `reachable:`), or one of a criterion that does not apply (e.g. provincial consent where
    `subnational_mineral_authority` is false: the engine makes it not applicable). `only`
    limits the criteria looked at."""
    default = cset.header.unknown
    vocab = cset.facts
    stage = profile.project.stage
    stated_values: dict[str, Any] | None = None  # built for a criterion with not_applicable_when
    memo = _choosable_memo(cset)
    not_met = sorted(
        c.id for c in card.criteria if c.status in NOT_MET and (only is None or c.id in only)
    )
    for crit_id in not_met:
        crit = cset.criterion(crit_id)
        if crit.kind == "context":
            continue  # a country-level or setting lever, not the parties'
        rule = crit.rule
        policy = crit.unknown or default
        unknown = q(policy.score) if policy.policy == "score" else None
        pieces = (
            [(p.rule, vars(p).get("stages")) for p in rule.parts]  # method v3: part stages
            if isinstance(rule, WeightedRule)
            else [(rule, None)]
        )
        found: list[tuple[str, int, FactValue]] = []
        for part, part_stages in pieces:
            if not vocab[part.fact].actionable:
                continue  # context the project cannot change (e.g. armed conflict nearby)
            if stage is not None and part_stages is not None and stage not in part_stages:
                continue  # the part cannot exist yet (e.g. revenue transfers before production)
            stated = profile.facts.get(part.fact)
            current = stated.value if stated else None
            key = (crit_id, part.fact, id(part), type(current).__name__, current, stage)
            choosable = memo.get(key)
            if choosable is None:
                if len(memo) >= MEMO_SIZE:  # number facts: one entry per current number
                    memo.clear()
                options = _better(part, vocab[part.fact], current, unknown)
                choosable = memo[key] = [
                    v for v in options if _choosable(part, vocab[part.fact], current, v, stage)
                ]
            allowed = choosable
            if crit.not_applicable_when is not None:
                if stated_values is None:
                    stated_values = {k: f.value for k, f in profile.facts.items()}
                allowed = [
                    v for v in choosable if not switches_off(crit, part.fact, v, stated_values)
                ]
            for order, value in enumerate(allowed):
                found.append((part.fact, order, value))
        for fact_id, _, value in sorted(found, key=lambda f: (f[0], f[1])):
            yield crit_id, fact_id, value


_MEMO_ATTR = "_roadmap_choosable"
MEMO_SIZE = 4096
"""Entries of the choosable-values memo kept per criteria set."""


def _choosable_memo(cset: CriteriaSet) -> dict[tuple[Any, ...], list[FactValue]]:
    """The values a part may move to from a current value at a stage (_better, then
    _choosable): they depend on the set alone, so they are remembered on the set instance (a
    lens makes a new set), as engine.plan remembers each criterion's plan."""
    memo: dict[tuple[Any, ...], list[FactValue]] | None = cset.__dict__.get(_MEMO_ATTR)
    if memo is None:
        memo = cset.__dict__[_MEMO_ATTR] = {}
    return memo


def _choosable(part: Any, fact: Fact, current: Any, value: Any, stage: str | None) -> bool:
    """Whether a roadmap may propose `value` for `fact` (see _candidates)."""
    deprecated, reachable = _limits(fact)
    if value in deprecated:
        return False
    if current is not None and current in reachable and value not in reachable[current]:
        return False
    first = (vars(part).get("reachable_from") or {}).get(value)  # method v3 levels rules
    if first is not None and stage is not None:
        order = getattr(models, "STAGE_ORDER", STAGES)
        if stage in order and first in order and order.index(first) > order.index(stage):
            return False
    return True


def _limits(fact: Fact) -> tuple[Any, dict[Any, list[Any]]]:
    """A fact's deprecated values and its `reachable:` map. `deprecated` is the method-v3
    vocabulary's field, absent from older models: read from the instance's fields, so a
    missing one costs no exception."""
    fields = vars(fact)
    return fields.get("deprecated") or {}, fields.get("reachable") or {}


def _better(part: Any, fact: Fact, current: Any, unknown: Fraction | None) -> Sequence[FactValue]:
    """Values of `fact` this simple rule scores above the current one, most modest first."""
    score = SCORERS[part.type]
    floor = score(part, current) if current is not None else unknown
    if fact.type == "enum":
        options: list[FactValue] = list(fact.values or [])
    elif fact.type == "boolean":
        options = [False, True]
    else:
        return _breakpoints(part, fact, current, floor)
    scored = [(score(part, v), -i, v) for i, v in enumerate(options)]
    # Most modest first; among values the rule scores alike, the one listed later first: a
    # vocabulary lists a coarse legacy value before the precise values that replace it
    # (processing_stage: domestic_smelting_or_refining before domestic_refining).
    better = sorted((s, i, v) for s, i, v in scored if floor is None or s > floor)
    return [v for _, _, v in better]


def _breakpoints(part: Any, fact: Fact, current: Any, floor: Fraction | None) -> list[int | float]:
    if isinstance(part, LinearRule):
        edges = [p.at for p in part.points]
    elif isinstance(part, ThresholdsRule):
        edges = [s.at_least for s in part.steps]
    else:
        return []
    edges += [b for b in (fact.min, fact.max) if b is not None]
    lo = fact.min if fact.min is not None else float("-inf")
    hi = fact.max if fact.max is not None else float("inf")
    points = sorted({e for e in edges if lo <= e <= hi})
    score = SCORERS[part.type]
    better = [p for p in points if floor is None or score(part, p) > floor]
    if current is None:  # one value per score reached, the nearest to the bottom of the range
        by_score: dict[Fraction, int | float] = {}
        for p in better:
            by_score.setdefault(score(part, p), p)
        return [by_score[s] for s in sorted(by_score)]
    above = [p for p in better if p > current][:1]
    below = [p for p in better if p < current][-1:]
    return sorted(above + below, key=lambda p: (abs(p - current), p))


def first_step_criterion(
    card: Scorecard,
    profile: Profile,
    cset: CriteriaSet,
    today: str | None,
    leading: list[Candidate] | None = None,
    binding: list[Constraint] | None = None,
) -> str | None:
    """The criterion of build_roadmap(profile, cset, today)'s first step, None when it has no
    step, without building the step (`card` must be evaluate(profile, cset, today)).

    It is what _choose() picks for the first step, found with as few trials as that allows: a
    binding constraint's criterion needs none (the step addresses it, with a candidate or a
    remediation); otherwise it is the first of evaluate's improvements with a candidate that
    gains (gains or clears a red flag), found by trying each one's candidates until one does,
    and only when none has one is every candidate listed and ranked (_best), as _choose()
    ranks them. Without a binding constraint the improvements _choose() walks are
    `card.improvements` that have a candidate (constraints.top_improvements), so only those
    criteria's candidates are listed up front. `leading` and `binding`, when the caller has
    them, must be list(_candidates(card, profile, cset, leading_criteria(card))) and
    binding_constraints(card, cset, profile)."""
    if binding is None:
        binding = binding_constraints(card, cset, profile)
    if binding:
        return binding[0].criterion
    if leading is None:
        leading = list(_candidates(card, profile, cset, leading_criteria(card)))
    for improvement in card.improvements:
        pool = [c for c in leading if c[0] == improvement.criterion]
        if any(_useful(card, profile, cset, c) for c in pool):
            return improvement.criterion
    chosen = _best(card, profile, cset, today, list(_candidates(card, profile, cset)), None)
    return None if chosen is None else chosen[0]


def leading_criteria(card: Scorecard) -> set[str]:
    """The criteria of evaluate's own improvements (`card.improvements`, at most
    TOP_IMPROVEMENTS): the only ones whose candidates decide the printed improvements unless
    none of them has a candidate that gains (first_step_criterion)."""
    return {i.criterion for i in card.improvements}


def _useful(card: Scorecard, profile: Profile, cset: CriteriaSet, candidate: Candidate) -> bool:
    """Whether _best() would take `candidate` at all: it gains, or clears a red flag. Judged
    anew unless the aggregation rule alone shows a gain (analysis.sure_gain)."""
    crit_id, fact_id, value = candidate
    sure = surely_useful(card, profile, cset, crit_id, fact_id, value)
    if sure is not None:
        return sure
    verdict = assess(with_facts(profile, {fact_id: value}), cset)
    return printed_delta(verdict.score, card.score) > 0 or bool(_flag_ids(card) - verdict.flags)


def with_first_steps(card: Scorecard, profile: Profile, cset: CriteriaSet) -> Scorecard:
    """`card` with its improvements in the roadmap's order, so evaluate's first improvement
    is the roadmap's first step (issue 19, P8).

    The first entry is the criterion of build_roadmap's first step (one step, the same
    evaluation date as `card`), then constraints.top_improvements (binding constraints, then
    the engine's largest gains) among the criteria a roadmap has a candidate for. An engine
    entry whose stated fact cannot move the score (FPIC while `indigenous_peoples_affected` is
    unknown: stating consent alone gains nothing) no longer leads the list. Empty when the
    roadmap has no step."""
    leading = list(_candidates(card, profile, cset, leading_criteria(card)))
    have = {crit_id for crit_id, _, _ in leading}
    binding = binding_constraints(card, cset, profile)
    # the engine's improvements a roadmap has at least one candidate step for
    improvements = top_improvements(card, cset, profile, sorted(have), binding)
    first = first_step_criterion(card, profile, cset, card.as_of, leading, binding)
    if first is None:
        improvements = []
    elif not improvements or improvements[0].criterion != first:
        crit = cset.criterion(first)
        result = next(r for r in card.criteria if r.id == first)
        lead = Improvement(
            criterion=first,
            title=crit.title,
            gain=round(result.max_points - result.points, 2),
            remediation=remediation_for(crit, profile.country_iso),
        )
        rest = [i for i in improvements if i.criterion != first]
        improvements = [lead, *rest][:TOP_IMPROVEMENTS]
    if improvements == card.improvements:
        return card
    return card.model_copy(update={"improvements": improvements})
