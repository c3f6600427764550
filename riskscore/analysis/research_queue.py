"""What to research next (issue 20): unknown facts ranked by what documenting them would settle,
computed exactly by the engine, then stale facts, facts going stale, assumptions and unquoted
facts. Returns data; riskscore/render/research_queue.py draws it.

For each unknown fact, the profile is evaluated once per allowed value of the fact (every enum
value, true and false, or for a number a small grid: evenly spaced values from its min to its
max, and every threshold, breakpoint and condition bound a criterion reads, so each piecewise
rule is evaluated at each of its corners) and the resulting scorecards are compared with
today's. A fact *settles* something when it does so whatever value the research finds (for
a number: every value of that grid):

- an unverified red flag (a gate the unknown facts leave open): it is neither open again
  under any value (it tripped or cleared);
- the band: the band range has one band under every value (while today's spans several);
- the evidence state: evidence is sufficient under every value (while today it is not).

The rank is: settles a red flag, then settles the band or the evidence state, then how far
the score range is sure to narrow (today's width minus the widest width over the values),
then the points the fact carries (its criteria's nominal points), then the fact id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from riskscore.analysis.quotes import fact_location, unquoted_facts
from riskscore.engine.evaluate import evaluate
from riskscore.engine.evidence import is_stale
from riskscore.engine.plan import pillar_weights
from riskscore.engine.scorecard import Flag, Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import (
    AllCondition,
    AnyCondition,
    Fact,
    FactCondition,
    LinearRule,
    ThresholdsRule,
    WeightedRule,
    condition_facts,
    rule_facts,
)
from riskscore.load.profile_models import Profile, StatedFact

FAIL_ON = ("unverified-flag", "insufficient", "stale", "going-stale", "assumption", "unquoted")
"""What `riskscore evidence --fail-on` can fail on (exit 1 when any profile has one)."""

CheckKind = Literal["stale", "going_stale", "assumption", "unquoted"]
Evidence = Literal["sufficient", "insufficient", "depends"]


@dataclass(frozen=True)
class FlagRef:
    """An unverified red flag: the criterion whose gate it is, and the band it would cap at."""

    criterion: str
    cap: str


@dataclass(frozen=True)
class UnknownFact:
    """An unknown fact and what documenting it would settle, per the engine.

    Score figures are points (0-100), band steps count bands between the two ends of the band
    range. `*_after` figures are over the fact's values: the worst case (widest range) first.
    """

    profile: str
    """The profile's slug."""
    path: str
    fact: str
    criteria: tuple[str, ...]
    """Criteria that read the fact (rule, red flag or applicability), in set order."""
    points: float
    """Nominal points (of 100) of the criteria whose rule reads the fact, by part share."""
    values: tuple[str, ...]
    """The values evaluated, as a profile writes them."""
    score_range: tuple[float, float]
    score_width_after: tuple[float, float]
    """(narrowest, widest) score range width once the fact is known, over the values."""
    band_range: tuple[str, str]
    band_steps: int
    band_steps_after: int
    """The widest band range, in steps, once the fact is known."""
    settles_flags: tuple[FlagRef, ...]
    """Unverified red flags that no value leaves open."""
    trips_on: tuple[str, ...]
    """Values under which a red flag it settles trips (is verified)."""
    settles_band: bool
    evidence_now: bool
    evidence_after: Evidence
    settles_evidence: bool
    searched: str | None = None
    """The day a recorded search for it found nothing public, or None."""

    @property
    def narrows(self) -> float:
        """Points the score range is sure to narrow by, whatever the value (today's width
        minus the widest width over the values)."""
        low, high = self.score_range
        return round(max(0.0, (high - low) - self.score_width_after[1]), 2)

    def rank_key(self) -> tuple[bool, bool, float, float, str, str]:
        """The queue's order (module docstring)."""
        return (
            not self.settles_flags,
            not (self.settles_band or self.settles_evidence),
            -self.narrows,
            -self.points,
            self.fact,
            self.profile,
        )


@dataclass(frozen=True)
class Check:
    """A stated fact to re-check: stale, going stale, an assumption, or without a quote.

    `profile` is the profile's slug, or the country file's name for an inherited fact (listed
    once however many profiles inherit it)."""

    kind: CheckKind
    profile: str
    fact: str
    path: str
    line: int | None
    detail: str


@dataclass(frozen=True)
class ProfileSummary:
    """One profile's counts: what its queue holds, and its evidence today."""

    profile: str
    path: str
    band: str
    evidence_sufficient: bool
    coverage: float
    unknown: int
    settle_a_flag: int
    unverified_flags: int
    stale: int
    going_stale: int
    assumptions: int
    unquoted: int


@dataclass(frozen=True)
class ResearchQueue:
    """The queue across one or more profiles: unknown facts ranked, checks, per-profile counts."""

    as_of: str
    within: int
    unknowns: list[UnknownFact]
    checks: list[Check]
    profiles: list[ProfileSummary]

    def failures(self, fail_on: Iterable[str]) -> list[str]:
        """For each `--fail-on` condition that holds, one line saying where (FAIL_ON order)."""
        counts = {
            "unverified-flag": sum(p.unverified_flags for p in self.profiles),
            "insufficient": sum(not p.evidence_sufficient for p in self.profiles),
            "stale": sum(c.kind == "stale" for c in self.checks),
            "going-stale": sum(c.kind == "going_stale" for c in self.checks),
            "assumption": sum(c.kind == "assumption" for c in self.checks),
            "unquoted": sum(c.kind == "unquoted" for c in self.checks),
        }
        words = {
            "unverified-flag": "unverified red flag(s)",
            "insufficient": "profile(s) with insufficient evidence",
            "stale": "stale fact(s)",
            "going-stale": f"fact(s) going stale within {self.within} months",
            "assumption": "assumption(s) to confirm",
            "unquoted": "fact(s) without a quoted passage",
        }
        wanted = set(fail_on)
        return [f"{counts[k]} {words[k]}" for k in FAIL_ON if k in wanted and counts[k]]


def research_queue(
    profiles: Sequence[Profile],
    cset: CriteriaSet,
    as_of: str,
    within: int = 6,
    today: str | None = None,
) -> ResearchQueue:
    """The research queue of `profiles` as of `as_of` (YYYY-MM-DD), with facts that go stale
    within `within` months of it. `today` dates waivers, as evaluate() does. Pure: evaluates
    each profile once per allowed value of each unknown fact."""
    unknowns: list[UnknownFact] = []
    checks: dict[tuple[str, str, str], Check] = {}
    summaries: list[ProfileSummary] = []
    horizon = add_months(as_of, within)
    for profile in profiles:
        card = evaluate(profile, cset, today)
        rows = [_unknown(profile, card, cset, fid, today) for fid in _unknown_ids(profile, cset)]
        unknowns += rows
        found = _checks(profile, cset, as_of, horizon)
        for check in found:
            checks.setdefault((check.kind, check.path, check.fact), check)
        kinds = [c.kind for c in found]
        summaries.append(
            ProfileSummary(
                profile=profile.slug,
                path=profile.path,
                band=card.band,
                evidence_sufficient=card.evidence_sufficient,
                coverage=card.coverage,
                unknown=len(rows),
                settle_a_flag=sum(bool(r.settles_flags) for r in rows),
                unverified_flags=len(card.unverified_flags),
                stale=kinds.count("stale"),
                going_stale=kinds.count("going_stale"),
                assumptions=kinds.count("assumption"),
                unquoted=kinds.count("unquoted"),
            )
        )
    unknowns.sort(key=UnknownFact.rank_key)
    order = {"stale": 0, "going_stale": 1, "assumption": 2, "unquoted": 3}
    ranked_checks = sorted(
        checks.values(), key=lambda c: (order[c.kind], c.path, c.line or 0, c.fact)
    )
    return ResearchQueue(as_of, within, unknowns, ranked_checks, summaries)


# --- unknown facts ---------------------------------------------------------------------------


def _criterion_facts(crit: Any) -> list[str]:
    """Every fact a criterion reads: its rule, its red flags, when it does not apply."""
    ids = list(rule_facts(crit.rule))
    for cond in _conditions(crit):
        ids += condition_facts(cond)
    return list(dict.fromkeys(ids))


def _conditions(crit: Any) -> list[Any]:
    """The criterion's conditions: not_applicable_when, each gate's `when` (and, where the
    set declares it, `expected_when`)."""
    found = [crit.not_applicable_when] if crit.not_applicable_when is not None else []
    for gate in ([crit.gate] if crit.gate is not None else []) + list(crit.more_gates):
        found.append(gate.when)
        expected = getattr(gate, "expected_when", None)
        if expected is not None:
            found.append(expected)
    return found


def _unknown_ids(profile: Profile, cset: CriteriaSet) -> list[str]:
    """Facts some criterion reads that the profile leaves unknown, in vocabulary order."""
    read = {f for crit in cset.criteria for f in _criterion_facts(crit)}
    return [f.id for f in cset.header.facts if f.id in read and f.id not in profile.facts]


def candidate_values(fact: Fact, cset: CriteriaSet) -> list[str | bool | int | float]:
    """The values `fact` is tried at: each enum value (deprecated ones left out: they score as
    another value), false and true, or for a number a small grid: the set's
    `uncertainty.unknowns.number_grid` evenly spaced values from min to max (11 by default,
    both ends included) and every threshold, linear breakpoint and condition bound any
    criterion reads between them, so each rule is tried at each of its corners."""
    if fact.type == "enum":
        deprecated = getattr(fact, "deprecated", None) or {}
        return [v for v in fact.values or [] if v not in deprecated]
    if fact.type == "boolean":
        return [False, True]
    marks: set[Fraction] = set()
    for crit in cset.criteria:
        for rule in _simple_rules(crit.rule):
            if rule.fact == fact.id and isinstance(rule, ThresholdsRule):
                marks |= {Fraction(str(s.at_least)) for s in rule.steps}
            elif rule.fact == fact.id and isinstance(rule, LinearRule):
                marks |= {Fraction(str(p.at)) for p in rule.points}
        for cond in _conditions(crit):
            marks |= _bounds(cond, fact.id)
    low = Fraction(str(fact.min)) if fact.min is not None else min(marks, default=None)
    high = Fraction(str(fact.max)) if fact.max is not None else max(marks, default=None)
    if low is None or high is None:
        return []
    steps = cset.header.uncertainty.unknowns.number_grid - 1
    even = {low + (high - low) * i / steps for i in range(steps + 1)}
    grid = sorted(even | {m for m in marks if low <= m <= high})
    return [int(x) if x.denominator == 1 else float(x) for x in grid]


def _simple_rules(rule: Any) -> list[Any]:
    return [p.rule for p in rule.parts] if isinstance(rule, WeightedRule) else [rule]


def _bounds(cond: Any, fact_id: str) -> set[Fraction]:
    if isinstance(cond, AllCondition):
        return set().union(*(_bounds(c, fact_id) for c in cond.all))
    if isinstance(cond, AnyCondition):
        return set().union(*(_bounds(c, fact_id) for c in cond.any))
    if isinstance(cond, FactCondition) and cond.fact == fact_id:
        return {Fraction(str(b)) for b in (cond.below, cond.at_least) if b is not None}
    return set()


def _points(cset: CriteriaSet) -> dict[str, dict[str, float]]:
    """Criterion id -> fact id -> nominal points (of 100) its rule puts on the fact: the
    criterion's share of its pillar times the pillar's share, split by part weight."""
    pillars = pillar_weights(cset)
    pillar_total = sum(pillars.values(), Fraction(0))
    in_pillar: dict[str, Fraction] = {}
    for crit in cset.criteria:
        in_pillar[crit.pillar] = in_pillar.get(crit.pillar, Fraction(0)) + Fraction(
            str(crit.weight)
        )
    out: dict[str, dict[str, float]] = {}
    for crit in cset.criteria:
        share = (
            100
            * pillars[crit.pillar]
            / pillar_total
            * Fraction(str(crit.weight))
            / in_pillar[crit.pillar]
        )
        if isinstance(crit.rule, WeightedRule):
            total = sum((Fraction(str(p.weight)) for p in crit.rule.parts), Fraction(0))
            parts = [(p.rule.fact, Fraction(str(p.weight)) / total) for p in crit.rule.parts]
        else:
            parts = [(crit.rule.fact, Fraction(1))]
        spread: dict[str, float] = {}
        for fact_id, part in parts:
            spread[fact_id] = spread.get(fact_id, 0.0) + float(share * part)
        out[crit.id] = spread
    return out


def _flag_keys(flags: Iterable[Flag]) -> set[tuple[str, str, str]]:
    return {(f.criterion, f.cap, f.message) for f in flags}


def _steps(card: Scorecard) -> int:
    bands = card.criteria_set.bands
    low, high = card.band_range
    if low not in bands or high not in bands:
        return 0
    return abs(bands.index(low) - bands.index(high))


def _shown(value: str | bool | int | float) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _unknown(
    profile: Profile, card: Scorecard, cset: CriteriaSet, fact_id: str, today: str | None
) -> UnknownFact:
    """Evaluate `profile` once per candidate value of `fact_id` and compare with `card`."""
    fact = cset.facts[fact_id]
    values = candidate_values(fact, cset)
    cards = [
        evaluate(
            replace(profile, facts={**profile.facts, fact_id: StatedFact(fact_id, value)}),
            cset,
            today,
        )
        for value in values
    ]
    open_now = _flag_keys(card.unverified_flags)
    still_open = (
        set().union(*(_flag_keys(c.unverified_flags) for c in cards)) if cards else open_now
    )
    settled = sorted(open_now - still_open)
    trips_on = tuple(
        _shown(v) for v, c in zip(values, cards, strict=True) if _flag_keys(c.flags) & set(settled)
    )
    widths = [c.score_range[1] - c.score_range[0] for c in cards] or [
        card.score_range[1] - card.score_range[0]
    ]
    steps_after = max((_steps(c) for c in cards), default=_steps(card))
    sufficient = [c.evidence_sufficient for c in cards]
    after: Evidence = (
        "sufficient"
        if sufficient and all(sufficient)
        else ("insufficient" if not any(sufficient) else "depends")
    )
    points = _points_of(cset).get
    read_by = tuple(c.id for c in cset.criteria if fact_id in _criterion_facts(c))
    search = profile.searched.get(fact_id)
    return UnknownFact(
        profile=profile.slug,
        path=profile.path,
        fact=fact_id,
        criteria=read_by,
        points=round(sum((points(c) or {}).get(fact_id, 0.0) for c in read_by), 2),
        values=tuple(_shown(v) for v in values),
        score_range=card.score_range,
        score_width_after=(round(min(widths), 2), round(max(widths), 2)),
        band_range=card.band_range,
        band_steps=_steps(card),
        band_steps_after=steps_after,
        settles_flags=tuple(FlagRef(criterion, cap) for criterion, cap, _ in settled),
        trips_on=trips_on,
        settles_band=_steps(card) > 0 and bool(cards) and steps_after == 0,
        evidence_now=card.evidence_sufficient,
        evidence_after=after,
        settles_evidence=not card.evidence_sufficient and after == "sufficient",
        searched=search.accessed if search is not None else None,
    )


def _points_of(cset: CriteriaSet) -> dict[str, dict[str, float]]:
    """`_points`, computed once per criteria set instance."""
    cached: dict[str, dict[str, float]] | None = cset.__dict__.get("_research_points")
    if cached is None:
        cached = cset.__dict__["_research_points"] = _points(cset)
    return cached


# --- checks on stated facts ------------------------------------------------------------------


def add_months(day: str, months: int) -> str:
    """`day` (YYYY-MM-DD, YYYY-MM or YYYY) plus `months` calendar months, as YYYY-MM-DD; the
    day of month is kept, or the month's last day when it has fewer (2026-08-31 + 6 months is
    2027-02-28)."""
    parts = [int(p) for p in day.split("-")] + [1] * (3 - len(day.split("-")))
    year, month, dom = parts
    total = month - 1 + months
    year, month = year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(dom, last)).isoformat()
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


def _checks(profile: Profile, cset: CriteriaSet, as_of: str, horizon: str) -> list[Check]:
    """The profile's stated facts to re-check: stale at `as_of`, stale by `horizon`,
    assumptions, and facts no quote supports (inherited ones under their country file)."""
    out: list[Check] = []
    for fact in sorted(profile.facts.values(), key=lambda f: (f.origin or "", f.line or 0, f.id)):
        path, line = fact_location(profile, fact)
        where = fact.origin or profile.slug
        window = cset.facts[fact.id].stale_after_months if fact.id in cset.facts else None
        if window is not None and fact.date is not None:
            due = add_months(fact.date, window)
            if is_stale(fact.date, as_of, window):
                detail = f"dated {fact.date}; stale after {due}"
                out.append(Check("stale", where, fact.id, path, line, detail))
            elif is_stale(fact.date, horizon, window):
                detail = f"dated {fact.date}; goes stale on {due}"
                out.append(Check("going_stale", where, fact.id, path, line, detail))
        if fact.assumption:
            detail = f"assumed {_shown(fact.value)}"
            out.append(Check("assumption", where, fact.id, path, line, detail))
    for item in unquoted_facts(profile, cset):
        where = profile.facts[item.fact].origin or profile.slug
        detail = "no quoted passage supports it"
        out.append(Check("unquoted", where, item.fact, item.path, item.line, detail))
    return out
