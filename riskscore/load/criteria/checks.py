"""Cross-file checks of a criteria set: everything pydantic cannot see from one file alone."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from riskscore.load.criteria.models import (
    AllCondition,
    AnyCondition,
    BooleanRule,
    Criterion,
    CriticalFloor,
    Fact,
    FactCondition,
    Gate,
    LevelsRule,
    LinearRule,
    SetFile,
    ThresholdsRule,
    WeightedRule,
)
from riskscore.suggest import did_you_mean

Report = Callable[[str, tuple[str | int, ...]], None]
"""Callback that records one problem at a key path of the file being checked."""

_RULE_FACT_TYPES: dict[type, str] = {
    BooleanRule: "boolean",
    LevelsRule: "enum",
    ThresholdsRule: "number",
    LinearRule: "number",
}


def check_set_file(header: SetFile, report: Report) -> None:
    """Bands ordered, ids unique, the lowest band open to every score."""
    groups: list[tuple[str, list[Any]]] = [
        ("pillar", list(header.pillars)),
        ("band", list(header.bands)),
        ("fact", list(header.facts)),
    ]
    for what, items in groups:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                report(f"duplicate {what} id '{item.id}'", (f"{what}s", i, "id"))
            seen.add(item.id)
    if header.context is not None:
        rmins = [r.min for r in header.context.ratings]
        if any(b >= a for a, b in itertools.pairwise(rmins)) or rmins[-1] != 0:
            report(
                "context ratings must be ordered best to worst with decreasing `min`, the last 0",
                ("context", "ratings"),
            )
    mins = [b.min for b in header.bands]
    for i in range(1, len(mins)):
        if mins[i] >= mins[i - 1]:
            report(
                f"bands must be ordered best to worst with decreasing `min`; "
                f"{header.bands[i].id} ({mins[i]}) is not below {header.bands[i - 1].id} "
                f"({mins[i - 1]})",
                ("bands", i, "min"),
            )
    if mins and mins[-1] != 0:
        report(
            f"the last band '{header.bands[-1].id}' must have min 0 so every score has a band",
            ("bands", len(mins) - 1, "min"),
        )


def check_floor(
    floor: CriticalFloor,
    bands: list[str],
    criteria: list[str],
    report: Report,
    loc: tuple[str | int, ...],
    facts: dict[str, Fact] | None = None,
) -> None:
    """A critical floor names a declared band and declared criteria (and, with `facts`, its
    `when` condition reads declared facts and values)."""
    if facts is not None and floor.when is not None:
        _check_condition(floor.when, facts, report, (*loc, "when"))
    if floor.band not in bands:
        report(f"unknown band '{floor.band}'{did_you_mean(floor.band, bands)}", (*loc, "band"))
    for i, cid in enumerate(floor.criteria):
        if cid not in criteria:
            report(f"unknown criterion '{cid}'{did_you_mean(cid, criteria)}", (*loc, "criteria", i))


def check_criterion(crit: Criterion, header: SetFile, report: Report) -> None:
    """Pillar, facts, rule coverage, conditions and gate of one criterion."""
    facts = {f.id: f for f in header.facts}
    pillars = [p.id for p in header.pillars]
    if crit.pillar not in pillars:
        report(f"unknown pillar '{crit.pillar}'{did_you_mean(crit.pillar, pillars)}", ("pillar",))
    _check_rule(crit.rule, facts, report, ("rule",))
    if crit.not_applicable_when is not None:
        where: tuple[str, ...] = ("not_applicable_when",)
        if _clean(lambda r: _check_condition(crit.not_applicable_when, facts, r, where), report):
            reason = never_holds(crit.not_applicable_when, facts)
            if reason:
                report(f"this condition can never hold: {reason}", where)
    bands = [b.id for b in header.bands]
    gates: list[tuple[Gate, tuple[str | int, ...]]] = []
    if crit.gate is not None:
        gates.append((crit.gate, ("gate",)))
    gates += [(g, ("more_gates", i)) for i, g in enumerate(crit.more_gates)]
    for gate, at in gates:
        _check_gate(gate, at, bands, facts, report)
    kinds = {s.kind for s in crit.sources}
    for needed in header.required_source_kinds:
        if needed not in kinds:
            report(f"sources need at least one `kind: {needed}` entry", ("sources",))


def _check_gate(
    gate: Gate,
    at: tuple[str | int, ...],
    bands: list[str],
    facts: dict[str, Fact],
    report: Report,
) -> None:
    if gate.cap not in bands:
        report(f"unknown band '{gate.cap}'{did_you_mean(gate.cap, bands)}", (*at, "cap"))

    def check(r: Report) -> None:
        _check_condition(gate.when, facts, r, (*at, "when"))

    if _clean(check, report):
        reason = never_holds(gate.when, facts)
        if reason:
            report(f"this gate can never trip: {reason}", (*at, "when"))
    if gate.expected_when is not None:
        _check_condition(gate.expected_when, facts, report, (*at, "expected_when"))


def _clean(check: Callable[[Report], None], report: Report) -> bool:
    """Run `check` with `report`; True when it found nothing (so later checks add no noise)."""
    found: list[str] = []

    def counting(message: str, loc: tuple[str | int, ...]) -> None:
        found.append(message)
        report(message, loc)

    check(counting)
    return not found


def _check_rule(rule: Any, facts: dict[str, Fact], report: Report, loc: tuple) -> None:
    if isinstance(rule, WeightedRule):
        for i, part in enumerate(rule.parts):
            _check_rule(part.rule, facts, report, (*loc, "parts", i, "rule"))
        return
    fact = facts.get(rule.fact)
    if fact is None:
        report(f"undeclared fact '{rule.fact}'{did_you_mean(rule.fact, facts)}", (*loc, "fact"))
        return
    expected = _RULE_FACT_TYPES[type(rule)]
    if fact.type != expected:
        report(
            f"a {rule.type} rule needs a {expected} fact; '{fact.id}' is {fact.type}",
            (*loc, "fact"),
        )
        return
    if isinstance(rule, LevelsRule):
        values = fact.values or []
        for value in rule.reachable_from:
            if value not in rule.scores:
                report(
                    f"reachable_from names '{value}', which the rule does not score",
                    (*loc, "reachable_from", value),
                )
        for value in rule.scores:
            if value not in values:
                report(
                    f"'{value}' is not a value of fact '{fact.id}'{did_you_mean(value, values)}",
                    (*loc, "scores", value),
                )
        missing = [v for v in values if v not in rule.scores]
        if missing:
            report(
                f"scores must cover every value of '{fact.id}'; missing {missing}", (*loc, "scores")
            )


def _check_condition(cond: Any, facts: dict[str, Fact], report: Report, loc: tuple) -> None:
    if isinstance(cond, AllCondition | AnyCondition):
        key = "all" if isinstance(cond, AllCondition) else "any"
        for i, child in enumerate(getattr(cond, key)):
            _check_condition(child, facts, report, (*loc, key, i))
        return
    fact = facts.get(cond.fact)
    if fact is None:
        report(f"undeclared fact '{cond.fact}'{did_you_mean(cond.fact, facts)}", (*loc, "fact"))
        return
    if cond.in_ is not None:
        if fact.type == "number":
            report(f"'{fact.id}' is a number; use `below` or `at_least`, not `in`", (*loc, "in"))
            return
        allowed: list[Any] = fact.values or [] if fact.type == "enum" else [True, False]
        for value in cond.in_:
            if not any(value == a and type(value) is type(a) for a in allowed):
                report(
                    f"{value!r} is not a value of fact '{fact.id}'"
                    f"{did_you_mean(str(value), map(str, allowed))}",
                    (*loc, "in"),
                )
    elif fact.type != "number":
        report(f"`below`/`at_least` need a number fact; '{fact.id}' is {fact.type}", (*loc,))


Domain = frozenset[Any] | tuple[float, float, bool]
"""The values a fact may take: a set (enum, boolean) or an interval (lo, hi, hi_is_open)."""


def never_holds(cond: Any, facts: dict[str, Fact]) -> str | None:
    """Why no fact values can make `cond` true, or None when some can (or it cannot be told)."""
    if isinstance(cond, AnyCondition):
        reasons = [never_holds(c, facts) for c in cond.any]
        if not all(reasons):
            return None
        return reasons[0] if len(reasons) == 1 else "none of its `any` branches can hold"
    domains: dict[str, Domain] = {}
    for child in cond.all if isinstance(cond, AllCondition) else [cond]:
        if not isinstance(child, FactCondition):
            reason = never_holds(child, facts)
            if reason:
                return reason
            continue
        fact = facts.get(child.fact)
        alone = _leaf_domain(child, fact) if fact is not None else None
        if fact is None or alone is None:
            continue  # an undeclared fact or a misused test, reported on its own
        if _empty(alone):
            return _leaf_reason(child, fact)
        current = domains.get(fact.id)
        merged = alone if current is None else _intersect(current, alone)
        if _empty(merged):
            return f"its conditions on '{fact.id}' contradict each other"
        domains[fact.id] = merged
    return None


def _leaf_domain(cond: FactCondition, fact: Fact) -> Domain | None:
    if fact.type != "number":
        if cond.in_ is None:
            return None
        values: list[Any] = list(fact.values or []) if fact.type == "enum" else [True, False]
        return frozenset(v for v in values if any(v == w and type(v) is type(w) for w in cond.in_))
    if cond.in_ is not None:
        return None
    lo = float(fact.min) if fact.min is not None else -math.inf
    hi = float(fact.max) if fact.max is not None else math.inf
    if cond.below is not None:
        return (lo, min(hi, float(cond.below)), float(cond.below) <= hi)
    return (max(lo, float(cond.at_least or 0)), hi, False)


def _intersect(a: Domain, b: Domain) -> Domain:
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return a & b
    if isinstance(a, tuple) and isinstance(b, tuple):
        hi, open_ = min((a[1], a[2]), (b[1], b[2]), key=lambda e: (e[0], not e[1]))
        return (max(a[0], b[0]), hi, open_)
    return frozenset()


def _empty(domain: Domain) -> bool:
    if isinstance(domain, frozenset):
        return not domain
    lo, hi, open_ = domain
    return lo > hi or (lo == hi and open_)


def _leaf_reason(cond: FactCondition, fact: Fact) -> str:
    if cond.in_ is not None:
        if not cond.in_:
            return "its `in` list is empty"
        return f"no value in its `in` list is a value of '{fact.id}'"
    if cond.below is not None:
        return f"'{fact.id}' is never below {cond.below:g} (its minimum is {fact.min:g})"
    return f"'{fact.id}' never reaches {cond.at_least:g} (its maximum is {fact.max:g})"


def check_fact_orders(criteria: list[Criterion], report_for: Callable[[str], Report]) -> None:
    """Criteria that score the same fact agree on the order of its values (promise P1: a value
    one criterion scores higher, no other scores lower). `report_for(criterion id)` gives the
    reporter of that criterion's file; the later criterion is the one reported."""
    first: dict[str, tuple[str, dict[Any, Any]]] = {}
    for crit in criteria:
        rules = (
            [p.rule for p in crit.rule.parts]
            if isinstance(crit.rule, WeightedRule)
            else [crit.rule]
        )
        for rule in rules:
            if isinstance(rule, LevelsRule):
                scores: dict[Any, Any] = dict(rule.scores)
            elif isinstance(rule, BooleanRule):
                scores = {False: rule.false_score, True: rule.true_score}
            else:
                continue
            seen = first.get(rule.fact)
            if seen is None:
                first[rule.fact] = (crit.id, scores)
                continue
            owner, theirs = seen
            for a, b in itertools.combinations(scores, 2):
                if a not in theirs or b not in theirs:
                    continue
                mine = (scores[a] > scores[b]) - (scores[a] < scores[b])
                other = (theirs[a] > theirs[b]) - (theirs[a] < theirs[b])
                if mine and other and mine != other:
                    report_for(crit.id)(
                        f"scores '{rule.fact}' values {a!r} and {b!r} in the opposite order to "
                        f"criterion '{owner}': criteria reading one fact must agree on which "
                        "value is better (docs/methodology.md, P1)",
                        ("rule",),
                    )
                    break
