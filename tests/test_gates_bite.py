"""Every shipped red-flag gate and every critical floor bites on a stated value (method v3, P4).

A gate bites when stating the values that trip it changes the band of the best stated profile
(every fact at its best value, every criterion applicable) against the same set without that
gate. A floor bites when stating the lowest value of its criterion (the criterion's facts at
their worst, nothing unknown) changes that band against the set without the floor. Unknown
facts are never used: a gate or floor that could bite only on an unknown fact (as the v2
serious-abuses and provincial-consent floors did) fails the check, and so does one that cannot
change any band (say, one capping at the best band).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from riskscore.engine.evaluate import evaluate
from riskscore.engine.order import fact_orders, part_rules
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.criteria.models import (
    AllCondition,
    AnyCondition,
    CriticalFloor,
    FactCondition,
    Gate,
)
from tests.conftest import SHIPPED, best_facts, facts_profile

CSET = load_criteria(SHIPPED)
LENSED = [CSET, *(CSET.with_lens(lens) for lens in sorted(CSET.lenses))]
STAGE = "production"


def tripping(cond: Any) -> dict[str, Any]:
    """Fact values that make `cond` hold (the first listed value of each test)."""
    if isinstance(cond, AllCondition):
        return {k: v for c in cond.all for k, v in tripping(c).items()}
    if isinstance(cond, AnyCondition):
        return tripping(cond.any[0])
    if cond.in_ is not None:
        return {cond.fact: cond.in_[0]}
    return {cond.fact: cond.below - 1 if cond.below is not None else cond.at_least}


def band_of(values: dict[str, Any], cset: CriteriaSet) -> str:
    return evaluate(facts_profile(values, stage=STAGE), cset).band


def without_gate(cset: CriteriaSet, criterion: str, gate: Gate) -> CriteriaSet:
    out = []
    for c in cset.criteria:
        if c.id == criterion:
            c = c.model_copy(
                update={
                    "gate": None if c.gate is gate else c.gate,
                    "more_gates": [g for g in c.more_gates if g is not gate],
                }
            )
        out.append(c)
    return replace(cset, criteria=tuple(out))


def with_gate(cset: CriteriaSet, criterion: str, gate: Gate) -> CriteriaSet:
    out = [c.model_copy(update={"gate": gate}) if c.id == criterion else c for c in cset.criteria]
    return replace(cset, criteria=tuple(out))


def gate_bites(cset: CriteriaSet, criterion: str, gate: Gate) -> bool:
    """Whether stating the gate's tripping values moves the band of the best profile."""
    values = {**best_facts(cset), **tripping(gate.when)}
    return band_of(values, cset) != band_of(values, without_gate(cset, criterion, gate))


def stated_variants(cset: CriteriaSet, criterion: str) -> list[dict[str, Any]]:
    """Every combination of stated values of the facts the criterion scores (numbers at their
    minimum or maximum): never an unknown."""
    crit = cset.criterion(criterion)
    choices: list[list[tuple[str, Any]]] = []
    for rule in part_rules(crit.rule):
        order = fact_orders(cset).get(rule.fact)
        fact = cset.facts[rule.fact]
        values = [v for group in order for v in group] if order else [fact.min, fact.max]
        choices.append([(rule.fact, v) for v in values])
    return [dict(combo) for combo in itertools.product(*choices)]


def condition_variants(cond: Any) -> list[dict[str, Any]]:
    """Fact values making `cond` hold: each value of a single `in` test, else tripping()."""
    if cond is None:
        return [{}]
    if isinstance(cond, FactCondition) and cond.in_ is not None:
        return [{cond.fact: v} for v in cond.in_]
    return [tripping(cond)]


def floor_bites(cset: CriteriaSet, floor: CriticalFloor, criterion: str) -> bool:
    """Whether some stated values of the criterion's facts (with the floor's `when` holding)
    move the band of the best profile against the set without the floor."""
    bare_header = cset.header.model_copy(
        update={"critical": [f for f in cset.header.critical if f is not floor]}
    )
    bare = replace(cset, header=bare_header)
    for when in condition_variants(floor.when):
        for change in stated_variants(cset, criterion):
            values = {**best_facts(cset), **when, **change}
            if band_of(values, cset) != band_of(values, bare):
                return True
    return False


GATES = [
    (c.id, i, g)
    for c in CSET.criteria
    for i, g in enumerate([*([c.gate] if c.gate else []), *c.more_gates])
]


@pytest.mark.parametrize(
    ("criterion", "index", "gate"), GATES, ids=[f"{c}-{i}" for c, i, _ in GATES]
)
def test_every_shipped_gate_bites_on_a_stated_value(criterion: str, index: int, gate: Gate) -> None:
    assert gate_bites(CSET, criterion, gate), f"gate {index} of {criterion} never changes a band"


FLOORS = [
    (cset.lens or "base", floor, cid)
    for cset in LENSED
    for floor in cset.header.critical
    for cid in floor.criteria
]


@pytest.mark.parametrize(
    ("lens", "floor", "criterion"), FLOORS, ids=[f"{lens}-{f.band}-{c}" for lens, f, c in FLOORS]
)
def test_every_critical_floor_bites_on_a_stated_value(
    lens: str, floor: CriticalFloor, criterion: str
) -> None:
    cset = CSET if lens == "base" else CSET.with_lens(lens)
    assert floor_bites(cset, floor, criterion), f"the {floor.band} floor on {criterion} never bites"


def test_a_gate_that_can_never_change_a_band_is_caught() -> None:
    crit = CSET.criterion("serious-abuses")
    assert crit.gate is not None
    toothless = crit.gate.model_copy(update={"cap": CSET.header.bands[0].id})
    assert not gate_bites(with_gate(CSET, "serious-abuses", toothless), "serious-abuses", toothless)


def test_a_floor_that_bites_only_on_unknown_is_caught() -> None:
    """A floor at or under the score of every stated value its gates leave alone bites only on
    an unknown fact (as the v2 serious-abuses floor did: every stated low value already tripped
    a stronger gate); the check says so."""
    v2 = CriticalFloor(band="good", criteria=["serious-abuses"], min=0.2)
    header = CSET.header.model_copy(update={"critical": [*CSET.header.critical, v2]})
    assert not floor_bites(replace(CSET, header=header), v2, "serious-abuses")
