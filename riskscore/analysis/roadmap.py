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

from riskscore.analysis.whatif import FactValue, printed_delta, with_facts
from riskscore.engine.evaluate import evaluate, remediation_for
from riskscore.engine.rules import SCORERS
from riskscore.engine.scorecard import Result, Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Fact, LinearRule, ThresholdsRule, WeightedRule
from riskscore.load.profile_models import Profile

NOT_MET = ("partial", "unmet", "unknown")


class RoadmapStep(Result):
    fact: str
    old: FactValue | None
    new: FactValue
    criterion: str
    kind: str  # "document": unknown -> known; "practice": a stated fact changes
    gain: float
    score_after: float
    band_after: str
    flags_cleared: list[str]
    why: str  # why the band did or did not move
    remediation: str


class Roadmap(Result):
    project: str
    start_score: float
    start_band: str
    steps: list[RoadmapStep]


def build_roadmap(
    profile: Profile, cset: CriteriaSet, today: str | None = None, max_steps: int = 10
) -> Roadmap:
    """Up to `max_steps` improvement steps; each step's score_after is evaluate()'s score."""
    card = evaluate(profile, cset, today)
    start = card
    steps: list[RoadmapStep] = []
    order = [b.id for b in cset.header.bands]
    while len(steps) < max_steps:
        best: tuple[tuple[Any, ...], str, str, FactValue, Scorecard, Profile] | None = None
        tried: set[tuple[str, str, FactValue]] = set()
        for crit_id, fact_id, value in _candidates(card, profile, cset):
            key = (fact_id, type(value).__name__, value)
            if key in tried:
                continue
            tried.add(key)
            trial = with_facts(profile, {fact_id: value})
            after = evaluate(trial, cset, today)
            gain = printed_delta(after.score, card.score)
            cleared = len(_flag_ids(card)) - len(_flag_ids(after) & _flag_ids(card))
            lift = order.index(card.band) - order.index(after.band)
            settles = after.evidence_sufficient and not card.evidence_sufficient
            rank = (cleared > 0, lift > 0, settles, gain)
            if (gain > 0 or cleared) and (best is None or rank > best[0]):
                best = (rank, crit_id, fact_id, value, after, trial)
        if best is None:
            break
        _, crit_id, fact_id, value, after, profile_after = best
        old = profile.facts.get(fact_id)
        still = _flag_ids(after)
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
                flags_cleared=sorted(_flag_ids(card) - still),
                why=_why(card, after),
                remediation=remediation_for(cset.criterion(crit_id), profile.country_iso),
            )
        )
        card, profile = after, profile_after
    return Roadmap(
        project=start.project, start_score=start.score, start_band=start.band, steps=steps
    )


def _flag_ids(card: Scorecard) -> set[str]:
    return {f.criterion for f in card.flags}


def _why(before: Scorecard, after: Scorecard) -> str:
    """Why the band moved or stayed, from the after-scorecard's own band reason."""
    if after.band != before.band:
        return f"band {before.band_title} → {after.band_title}: {after.band_reason}"
    return f"band stays {after.band_title}: {after.band_reason}"


def _candidates(
    card: Scorecard, profile: Profile, cset: CriteriaSet
) -> Iterator[tuple[str, str, FactValue]]:
    """(criterion, fact, new value) in tie-break order: criterion id, fact id, modest first."""
    default = cset.header.unknown
    vocab = cset.facts
    not_met = sorted(c.id for c in card.criteria if c.status in NOT_MET)
    for crit_id in not_met:
        crit = cset.criterion(crit_id)
        if crit.kind == "context":
            continue  # a country-level or setting lever, not the parties'
        rule = crit.rule
        policy = crit.unknown or default
        unknown = Fraction(str(policy.score)) if policy.policy == "score" else None
        parts = [p.rule for p in rule.parts] if isinstance(rule, WeightedRule) else [rule]
        found: list[tuple[str, int, FactValue]] = []
        for part in parts:
            if not vocab[part.fact].actionable:
                continue  # context the project cannot change (e.g. armed conflict nearby)
            stated = profile.facts.get(part.fact)
            current = stated.value if stated else None
            for order, value in enumerate(_better(part, vocab[part.fact], current, unknown)):
                found.append((part.fact, order, value))
        for fact_id, _, value in sorted(found, key=lambda f: (f[0], f[1])):
            yield crit_id, fact_id, value


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
    better = [v for v in options if floor is None or score(part, v) > floor]
    return sorted(better, key=lambda v: score(part, v))


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
