"""Cross-file checks of a criteria set: everything pydantic cannot see from one file alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from riskscore.criteria.models import (
    AllCondition,
    AnyCondition,
    BooleanRule,
    Criterion,
    Fact,
    FactCondition,
    LevelsRule,
    LinearRule,
    SetFile,
    ThresholdsRule,
    WeightedRule,
)
from riskscore.suggest import did_you_mean

Report = Callable[[str, tuple[str | int, ...]], None]
"""Callback that records one problem at a key path of the file being checked."""

_RULE_FACT_TYPES = {
    BooleanRule: "boolean",
    LevelsRule: "enum",
    ThresholdsRule: "number",
    LinearRule: "number",
}


def check_set_file(header: SetFile, report: Report) -> None:
    """Bands ordered, ids unique, the lowest band open to every score."""
    for what, items in (("pillar", header.pillars), ("band", header.bands), ("fact", header.facts)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                report(f"duplicate {what} id '{item.id}'", (f"{what}s", i, "id"))
            seen.add(item.id)
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


def check_criterion(crit: Criterion, header: SetFile, report: Report) -> None:
    """Pillar, facts, rule coverage, conditions and gate of one criterion."""
    facts = {f.id: f for f in header.facts}
    pillars = [p.id for p in header.pillars]
    if crit.pillar not in pillars:
        report(f"unknown pillar '{crit.pillar}'{did_you_mean(crit.pillar, pillars)}", ("pillar",))
    _check_rule(crit.rule, facts, report, ("rule",))
    if crit.not_applicable_when is not None:
        _check_condition(crit.not_applicable_when, facts, report, ("not_applicable_when",))
    if crit.gate is not None:
        gate = crit.gate
        bands = [b.id for b in header.bands]
        if gate.cap not in bands:
            report(f"unknown band '{gate.cap}'{did_you_mean(gate.cap, bands)}", ("gate", "cap"))
        _check_condition(gate.when, facts, report, ("gate", "when"))
        if not _satisfiable(gate.when, facts):
            report(
                "this gate can never trip: no fact values satisfy its condition", ("gate", "when")
            )
    kinds = {s.kind for s in crit.sources}
    for needed in ("seed", "standard"):
        if needed not in kinds:
            report(f"sources need at least one `kind: {needed}` entry", ("sources",))


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
            if value not in allowed or (fact.type == "enum" and not isinstance(value, str)):
                report(
                    f"{value!r} is not a value of fact '{fact.id}'"
                    f"{did_you_mean(str(value), map(str, allowed))}",
                    (*loc, "in"),
                )
    elif fact.type != "number":
        report(f"`below`/`at_least` need a number fact; '{fact.id}' is {fact.type}", (*loc,))


def _leaf_options(cond: FactCondition, fact: Fact) -> set[Any] | tuple[float, float]:
    """The values a leaf admits: a set for enum/boolean, a [lo, hi) interval for numbers."""
    if cond.in_ is not None:
        return set(cond.in_)
    lo = float(fact.min) if fact.min is not None else float("-inf")
    hi = float(fact.max) if fact.max is not None else float("inf")
    if cond.below is not None:
        return (lo, min(hi, float(cond.below)) - 1e-12)
    return (max(lo, float(cond.at_least or 0)), hi)


def _satisfiable(cond: Any, facts: dict[str, Fact]) -> bool:
    """Whether some assignment of fact values makes the condition true."""
    if isinstance(cond, AnyCondition):
        return any(_satisfiable(c, facts) for c in cond.any)
    if isinstance(cond, FactCondition):
        cond = AllCondition(all=[cond])
    leaves: dict[str, Any] = {}
    for child in cond.all:
        if not isinstance(child, FactCondition):
            if not _satisfiable(child, facts):
                return False
            continue
        fact = facts.get(child.fact)
        if fact is None:
            continue
        options = _leaf_options(child, fact)
        if child.fact not in leaves:
            domain: Any = (
                (set(fact.values or []) if fact.type == "enum" else {True, False})
                if fact.type != "number"
                else _leaf_options(
                    FactCondition(
                        fact=fact.id, at_least=fact.min if fact.min is not None else float("-inf")
                    ),
                    fact,
                )
            )
            leaves[child.fact] = domain
        current = leaves[child.fact]
        if isinstance(current, set):
            leaves[child.fact] = current & options if isinstance(options, set) else set()
        else:
            lo, hi = current
            olo, ohi = options if isinstance(options, tuple) else (hi, lo)
            leaves[child.fact] = (max(lo, olo), min(hi, ohi))
    for value in leaves.values():
        if isinstance(value, set) and not value:
            return False
        if isinstance(value, tuple) and value[0] > value[1]:
            return False
    return True
