"""evaluate(): a pure, deterministic function from (Profile, CriteriaSet) to a Scorecard.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted mean of applicable
criteria) -> overall 0-100 (weighted mean of scored pillars) -> band (may require a
per-pillar minimum) -> red-flag gates may cap the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskscore.criteria.loader import CriteriaSet
from riskscore.criteria.models import Criterion, Fact, WeightedRule, condition_facts
from riskscore.profile import Profile
from riskscore.rules import RuleOutcome, holds, score_rule
from riskscore.scorecard import (
    CriterionResult,
    FactUse,
    Flag,
    Improvement,
    PillarResult,
    Scorecard,
    Status,
)

EPS = 1e-9
TOP_IMPROVEMENTS = 3


@dataclass(frozen=True)
class _Scored:
    crit: Criterion
    outcome: RuleOutcome | None  # None: not applicable
    applicable_because: str | None = None


def evaluate(profile: Profile, cset: CriteriaSet) -> Scorecard:
    """Score one profile; every number in the result is recomputable from its lines."""
    values = {k: f.value for k, f in profile.facts.items()}
    policy = cset.header.unknown
    unknown_score = float(policy.score) if policy.policy == "score" else None

    scored = [_score_criterion(c, values, unknown_score) for c in cset.criteria]
    pillars_in = cset.header.pillars
    by_pillar: dict[str, list[_Scored]] = {p.id: [] for p in pillars_in}
    for item in scored:
        by_pillar[item.crit.pillar].append(item)

    def counted(item: _Scored) -> bool:
        return item.outcome is not None and item.outcome.score is not None

    pillar_raw: dict[str, float | None] = {}
    for p in pillars_in:
        items = [i for i in by_pillar[p.id] if counted(i)]
        wsum = sum(float(i.crit.weight) for i in items)
        pillar_raw[p.id] = (
            100 * sum(float(i.crit.weight) * (i.outcome.score or 0) for i in items) / wsum
            if wsum
            else None
        )
    scored_weight = sum(float(p.weight) for p in pillars_in if pillar_raw[p.id] is not None)
    shares = {
        p.id: (float(p.weight) / scored_weight if pillar_raw[p.id] is not None else 0.0)
        for p in pillars_in
    }

    criteria_out: list[CriterionResult] = []
    nominal_total = nominal_known = 0.0
    for item in scored:
        crit = item.crit
        items = [i for i in by_pillar[crit.pillar] if counted(i)]
        wsum = sum(float(i.crit.weight) for i in items)
        max_points = 100 * shares[crit.pillar] * float(crit.weight) / wsum if counted(item) else 0
        score = item.outcome.score if item.outcome else None
        points = max_points * (score or 0)
        coverage = item.outcome.known_share if item.outcome else 0.0
        if item.outcome is not None:
            applicable = [i for i in by_pillar[crit.pillar] if i.outcome is not None]
            nominal = (
                shares[crit.pillar]
                * float(crit.weight)
                / sum(float(i.crit.weight) for i in applicable)
            )
            nominal_total += nominal
            nominal_known += nominal * coverage
        criteria_out.append(
            _criterion_result(
                crit, item, profile, cset, score, points, max_points, coverage, unknown_score
            )
        )

    overall = sum(r.points for r in criteria_out)
    pillars_out = [
        PillarResult(
            id=p.id,
            title=p.title,
            weight=float(p.weight),
            share=round(shares[p.id], 6),
            score=None if pillar_raw[p.id] is None else round(pillar_raw[p.id] or 0, 2),
            points=round(sum(r.points for r in criteria_out if r.pillar == p.id), 3),
            max_points=round(sum(r.max_points for r in criteria_out if r.pillar == p.id), 3),
        )
        for p in pillars_in
    ]
    band_id, band_notes = _band(overall, pillar_raw, cset)
    flags, unverified = _flags(scored, values, profile, cset)
    final = _cap(band_id, flags, cset, band_notes)
    band = next(b for b in cset.header.bands if b.id == final)
    return Scorecard(
        project=profile.project.name,
        slug=profile.slug,
        path=profile.path,
        country=profile.project.country,
        as_of=profile.as_of,
        score=round(overall, 2),
        band=band.id,
        band_title=band.title,
        band_meaning=band.meaning,
        band_before_caps=band_id,
        band_notes=band_notes,
        coverage=round(100 * nominal_known / nominal_total, 1) if nominal_total else 0.0,
        flags=flags,
        unverified_flags=unverified,
        pillars=pillars_out,
        criteria=criteria_out,
        improvements=_improvements(criteria_out, cset),
        criteria_set=cset.info(),
    )


def _score_criterion(crit: Criterion, values: dict[str, Any], unknown: float | None) -> _Scored:
    if crit.not_applicable_when is not None and holds(crit.not_applicable_when, values):
        return _Scored(crit, None)
    return _Scored(crit, score_rule(crit.rule, values, unknown))


def _status(item: _Scored, score: float | None) -> Status:
    if item.outcome is None:
        return "not_applicable"
    if item.outcome.known_share == 0:
        return "unknown"
    assert score is not None
    if score >= 1 - EPS:
        return "met"
    return "unmet" if score <= EPS else "partial"


def _show_value(fact: Fact | None, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if fact is not None and fact.unit:
        return f"{value:g} {fact.unit}" if isinstance(value, int | float) else str(value)
    return str(value)


def _criterion_result(
    crit: Criterion,
    item: _Scored,
    profile: Profile,
    cset: CriteriaSet,
    score: float | None,
    points: float,
    max_points: float,
    coverage: float,
    unknown_score: float | None,
) -> CriterionResult:
    vocab = cset.facts
    uses: list[FactUse] = []
    phrases: list[str] = []
    parts = item.outcome.parts if item.outcome else ()
    fact_ids = [p.fact for p in parts] or _condition_fact_ids(crit)
    part_by_fact = {p.fact: p for p in parts}
    weighted = isinstance(crit.rule, WeightedRule)
    for fact_id in fact_ids:
        stated = profile.facts.get(fact_id)
        part = part_by_fact.get(fact_id)
        if stated is None:
            uses.append(
                FactUse(
                    id=fact_id, value=None, known=False, part_weight=part.weight if part else 1.0
                )
            )
            phrases.append(f"{fact_id} not stated")
            continue
        titles = [profile.sources[s].title for s in stated.sources if s in profile.sources]
        uses.append(
            FactUse(
                id=fact_id,
                value=stated.value,
                known=True,
                sources=list(stated.sources),
                source_titles=titles,
                assumption=stated.assumption,
                line=stated.line,
                part_score=None if part is None or part.score is None else round(part.score, 4),
                part_weight=part.weight if part else 1.0,
            )
        )
        cite = f" [{', '.join(stated.sources)}]" if stated.sources else " [no source]"
        assumed = " (assumption)" if stated.assumption else ""
        scored_as = f" → {part.score:.2f}" if weighted and part and part.score is not None else ""
        phrases.append(
            f"{fact_id} = {_show_value(vocab.get(fact_id), stated.value)}{cite}{assumed}{scored_as}"
        )
    status = _status(item, score)
    facts_text = "; ".join(phrases)
    if status == "not_applicable":
        explanation = f"Not applicable: {facts_text}."
    elif score is None:
        explanation = f"{facts_text}: unknown, left out of the score by the set's policy."
    else:
        unknown_note = ""
        if coverage < 1 and unknown_score is not None:
            unknown_note = f" (unknown scored {unknown_score:g} by policy)"
        explanation = (
            f"{facts_text}{unknown_note}: score {score:.2f} × {max_points:.2f} "
            f"= {points:.2f} points."
        )
    return CriterionResult(
        id=crit.id,
        title=crit.title,
        pillar=crit.pillar,
        weight=float(crit.weight),
        score=None if score is None else round(score, 4),
        status=status,
        points=round(points, 3),
        max_points=round(max_points, 3),
        coverage=round(coverage, 4),
        facts=uses,
        explanation=explanation,
        sources=[s.ref for s in crit.sources],
        remediation=crit.remediation if status in ("partial", "unmet", "unknown") else None,
    )


def _condition_fact_ids(crit: Criterion) -> list[str]:
    cond = crit.not_applicable_when
    return list(dict.fromkeys(condition_facts(cond))) if cond is not None else []


def _band(
    overall: float,
    pillars: dict[str, float | None],
    cset: CriteriaSet,
) -> tuple[str, list[str]]:
    notes: list[str] = []
    bands = cset.header.bands
    for band in bands:
        if overall + EPS < band.min:
            continue
        if band.pillar_min is not None:
            weak = [
                f"{p} {s:.1f}"
                for p, s in pillars.items()
                if s is not None and s + EPS < band.pillar_min
            ]
            if weak:
                notes.append(
                    f"not {band.title}: needs every pillar at {band.pillar_min:g} or "
                    f"more, but {', '.join(weak)}"
                )
                continue
        return band.id, notes
    return bands[-1].id, notes


def _flags(
    scored: list[_Scored], values: dict[str, Any], profile: Profile, cset: CriteriaSet
) -> tuple[list[Flag], list[Flag]]:
    tripped: list[Flag] = []
    unverified: list[Flag] = []
    vocab = cset.facts
    for item in scored:
        gate = item.crit.gate
        if gate is None or item.outcome is None:
            continue
        ids = list(dict.fromkeys(condition_facts(gate.when)))
        result = holds(gate.when, values)
        evidence = "; ".join(
            f"{f} = {_show_value(vocab.get(f), values[f])}"
            + (f" [{', '.join(profile.facts[f].sources)}]" if profile.facts[f].sources else "")
            if f in values
            else f"{f} not stated"
            for f in ids
        )
        flag = Flag(
            criterion=item.crit.id,
            severity=gate.severity,
            cap=gate.cap,
            message=gate.message,
            evidence=evidence,
            verified=result is True,
        )
        if result is True:
            tripped.append(flag)
        elif result is None:
            unverified.append(flag)
    return tripped, unverified


def _cap(band_id: str, flags: list[Flag], cset: CriteriaSet, notes: list[str]) -> str:
    order = [b.id for b in cset.header.bands]
    worst = order.index(band_id)
    for flag in flags:
        cap = order.index(flag.cap)
        if cap > worst:
            notes.append(f"capped at {flag.cap} by red flag {flag.criterion}")
            worst = cap
    return order[worst]


def _improvements(results: list[CriterionResult], cset: CriteriaSet) -> list[Improvement]:
    gains = [
        (round(r.max_points - r.points, 3), r)
        for r in results
        if r.status in ("partial", "unmet", "unknown") and r.max_points - r.points > EPS
    ]
    gains.sort(key=lambda g: (-g[0], g[1].id))
    return [
        Improvement(
            criterion=r.id, title=r.title, gain=gain, remediation=cset.criterion(r.id).remediation
        )
        for gain, r in gains[:TOP_IMPROVEMENTS]
    ]
