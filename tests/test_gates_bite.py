"""Every shipped red-flag gate changes the band of at least one realistic profile.

A profile is one of the six shipped profiles with the gate's facts set to values that trip
it; the gate bites when the band under the shipped set differs from the band under the same
set without that gate. A gate that cannot change any band (say, one capping at the best band)
fails the check, so a toothless gate cannot be shipped unnoticed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.criteria.models import AllCondition, AnyCondition, Gate
from riskscore.load.profile import load_profile
from riskscore.load.profile_models import Profile, StatedFact
from tests.conftest import PROJECTS, SHIPPED

CSET = load_criteria(SHIPPED)
PROFILES = [load_profile(p, CSET) for p in sorted(PROJECTS.glob("*.yaml"))]


def tripping(cond: Any) -> dict[str, Any]:
    """Fact values that make `cond` hold (the first listed value of each test)."""
    if isinstance(cond, AllCondition):
        return {k: v for c in cond.all for k, v in tripping(c).items()}
    if isinstance(cond, AnyCondition):
        return tripping(cond.any[0])
    if cond.in_ is not None:
        return {cond.fact: cond.in_[0]}
    return {cond.fact: cond.below - 1 if cond.below is not None else cond.at_least}


def with_facts(profile: Profile, values: dict[str, Any]) -> Profile:
    facts = dict(profile.facts)
    for k, v in values.items():
        facts[k] = StatedFact(id=k, value=v, sources=("fixture",))
    return replace(profile, facts=facts)


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


def bites(cset: CriteriaSet, criterion: str, gate: Gate) -> list[str]:
    """Slugs of the shipped profiles whose band the gate changes once its facts trip it."""
    bare = without_gate(cset, criterion, gate)
    moved = []
    for profile in PROFILES:
        tripped = with_facts(profile, tripping(gate.when))
        if evaluate(tripped, cset).band != evaluate(tripped, bare).band:
            moved.append(profile.slug)
    return moved


GATES = [
    (c.id, i, g)
    for c in CSET.criteria
    for i, g in enumerate([*([c.gate] if c.gate else []), *c.more_gates])
]


@pytest.mark.parametrize(
    ("criterion", "index", "gate"), GATES, ids=[f"{c}-{i}" for c, i, _ in GATES]
)
def test_every_shipped_gate_changes_a_band(criterion: str, index: int, gate: Gate) -> None:
    assert bites(CSET, criterion, gate), f"gate {index} of {criterion} never changes a band"


def test_a_gate_that_can_never_change_a_band_is_caught() -> None:
    crit = CSET.criterion("serious-abuses")
    assert crit.gate is not None
    toothless = crit.gate.model_copy(update={"cap": CSET.header.bands[0].id})
    assert bites(with_gate(CSET, "serious-abuses", toothless), "serious-abuses", toothless) == []
