"""What-if: re-evaluate a profile with some facts changed and show what moved, and by how much."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Result, Scorecard
from riskscore.errors import RiskscoreError, UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import check_value
from riskscore.load.profile_models import Profile, StatedFact
from riskscore.load.yaml_reader import parse_yaml
from riskscore.suggest import did_you_mean

FactValue = str | bool | int | float
WHAT_IF_NOTE = "what-if"


class FactChange(Result):
    fact: str
    old: FactValue | None
    new: FactValue


class Side(Result):
    """The headline of one scorecard: score, band, red flags, evidence coverage."""

    score: float
    band: str
    band_title: str
    flags: list[str]
    coverage: float
    band_notes: list[str] = []
    flag_notes: list[str] = []
    """Each verified red flag in its own words (the gate's message), never the criterion's
    title, which names the good state ("... has formally consented") (issue 21)."""


class CriterionDelta(Result):
    id: str
    title: str
    status_before: str
    status_after: str
    points_before: float
    points_after: float
    delta: float


class WhatIf(Result):
    project: str
    path: str
    changes: list[FactChange]
    before: Side
    after: Side
    delta: float
    criteria: list[CriterionDelta]


def parse_assignments(items: list[str], cset: CriteriaSet) -> dict[str, FactValue]:
    """`FACT=VALUE` strings -> typed values, checked against the set's fact vocabulary."""
    vocab = cset.facts
    parsed: dict[str, FactValue] = {}
    for item in items:
        fact_id, sep, raw = item.partition("=")
        fact_id, raw = fact_id.strip(), raw.strip()
        if not sep or not fact_id or not raw:
            raise UsageError(
                f"--set {item}: write FACT=VALUE, e.g. --set eiti_status=validated_high"
            )
        fact = vocab.get(fact_id)
        if fact is None:
            raise UsageError(
                f"--set {item}: unknown fact '{fact_id}'{did_you_mean(fact_id, vocab)}; "
                "`riskscore criteria --facts` lists the vocabulary"
            )
        if fact_id in parsed:
            raise UsageError(f"--set {item}: fact '{fact_id}' is set twice")
        value = _typed(raw)
        problem = check_value(fact, value)
        if problem:
            raise UsageError(f"--set {item}: {problem}")
        parsed[fact_id] = value
    return parsed


def _typed(raw: str) -> Any:
    """The value a YAML profile would hold for this text, read by the profile loader itself
    (so `True`, `0x10` and `1e3` mean here what they mean in a file); text it cannot read is
    left for check_value to reject."""
    try:
        value = parse_yaml(f"value: {raw}\n", "--set").data.get("value")
    except RiskscoreError:
        return raw
    return raw if value is None or isinstance(value, dict | list) else value


def with_facts(profile: Profile, changes: Mapping[str, FactValue]) -> Profile:
    """The profile with facts replaced by analyst what-if values (no source, note `what-if`)."""
    facts = dict(profile.facts)
    for fact_id, value in changes.items():
        facts[fact_id] = StatedFact(fact_id, value, note=WHAT_IF_NOTE)
    return replace(profile, facts=facts)


def side(card: Scorecard) -> Side:
    return Side(
        score=card.score,
        band=card.band,
        band_title=card.band_title,
        flags=[f.criterion for f in card.flags],
        coverage=card.coverage,
        band_notes=card.band_notes,
        flag_notes=[
            f"red flag ({f.severity}) {f.criterion}, caps the band at "
            f"{_title(card, f.cap)}: {f.message.strip()}"
            for f in card.flags
        ],
    )


def _title(card: Scorecard, band: str) -> str:
    info = card.criteria_set
    return dict(zip(info.bands, info.band_titles, strict=False)).get(band, band)


def what_if(
    profile: Profile, cset: CriteriaSet, changes: Mapping[str, FactValue], today: str | None = None
) -> WhatIf:
    """Evaluate before and after; list criteria whose points or status changed."""
    before = evaluate(profile, cset, today)
    after = evaluate(with_facts(profile, changes), cset, today)
    old = {c.id: c for c in before.criteria}
    deltas = [
        CriterionDelta(
            id=c.id,
            title=c.title,
            status_before=old[c.id].status,
            status_after=c.status,
            points_before=old[c.id].points,
            points_after=c.points,
            delta=printed_delta(c.points, old[c.id].points),
        )
        for c in after.criteria
        if c.points != old[c.id].points or c.status != old[c.id].status
    ]
    stated = profile.facts
    return WhatIf(
        project=profile.project.name,
        path=profile.path,
        changes=[
            FactChange(fact=k, old=stated[k].value if k in stated else None, new=v)
            for k, v in changes.items()
        ],
        before=side(before),
        after=side(after),
        delta=printed_delta(after.score, before.score),
        criteria=deltas,
    )


def printed_delta(after: float, before: float) -> float:
    """The exact difference of two printed figures, so "before -> after (delta)" adds up as
    shown (e.g. 80.31 - 27.19 = 53.12 whatever the unrounded scores were)."""
    return float(Fraction(str(after)) - Fraction(str(before)))
