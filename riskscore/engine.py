"""evaluate(): a pure, deterministic function from (Profile, CriteriaSet) to a Scorecard.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted mean of applicable
criteria) -> overall 0-100 (weighted mean of scored pillars) -> band (may require a
per-pillar minimum) -> red-flag gates may cap the band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from riskscore.criteria.loader import CriteriaSet
from riskscore.criteria.models import Criterion, Fact, WeightedRule, condition_facts
from riskscore.profile import Profile, Waiver
from riskscore.rules import RuleOutcome, holds, score_rule
from riskscore.scorecard import (
    Citation,
    CriterionResult,
    FactUse,
    Flag,
    Improvement,
    PillarResult,
    Scorecard,
    Status,
    WaiverInfo,
)

EPS = 1e-9
TOP_IMPROVEMENTS = 3


@dataclass(frozen=True)
class _Scored:
    crit: Criterion
    outcome: RuleOutcome | None  # None: not applicable


def evaluate(profile: Profile, cset: CriteriaSet, today: str | None = None) -> Scorecard:
    """Score one profile; every number in the result is recomputable from its lines.

    `today` (YYYY-MM-DD) decides which waivers are still active; without it every waiver
    counts as active. It is an argument, not a clock read, so evaluate() stays pure.
    """
    values = {k: f.value for k, f in profile.facts.items()}
    policy = cset.header.unknown
    unknown_score = float(policy.score) if policy.policy == "score" else None

    scored = [_score_criterion(c, values, unknown_score) for c in cset.criteria]
    pillars_in = cset.header.pillars
    agg = aggregate(
        [
            (i.crit.id, i.crit.pillar, float(i.crit.weight), i.outcome.score if i.outcome else None)
            for i in scored
        ],
        {p.id: float(p.weight) for p in pillars_in},
    )
    # Evidence coverage: share of the nominal weight (every applicable criterion counted,
    # whatever the unknown policy) whose facts the profile states.
    nominal = aggregate(
        [
            (i.crit.id, i.crit.pillar, float(i.crit.weight), 0.0 if i.outcome else None)
            for i in scored
        ],
        {p.id: float(p.weight) for p in pillars_in},
    )
    nominal_total = sum(nominal.max_points.values())
    nominal_known = sum(
        nominal.max_points[i.crit.id] * i.outcome.known_share for i in scored if i.outcome
    )
    criteria_out: list[CriterionResult] = []
    for item in scored:
        max_points = agg.max_points[item.crit.id]
        score = item.outcome.score if item.outcome else None
        coverage = item.outcome.known_share if item.outcome else 0.0
        criteria_out.append(
            _criterion_result(
                item.crit,
                item,
                profile,
                cset,
                score,
                max_points * (score or 0),
                max_points,
                coverage,
                unknown_score,
            )
        )
    overall = agg.overall
    pillar_raw = agg.pillar_scores
    pillars_out = [
        PillarResult(
            id=p.id,
            title=p.title,
            weight=float(p.weight),
            share=round(agg.shares[p.id], 6),
            score=None if pillar_raw[p.id] is None else round(pillar_raw[p.id] or 0, 2),
            points=round(sum(r.points for r in criteria_out if r.pillar == p.id), 3),
            max_points=round(sum(r.max_points for r in criteria_out if r.pillar == p.id), 3),
        )
        for p in pillars_in
    ]
    # Band and per-pillar minimums are judged on the figures the scorecard prints, so a
    # printed 75.00 is never "below 75".
    band_id, band_notes = band_for(
        round(overall, 2),
        {k: None if v is None else round(v, 2) for k, v in pillar_raw.items()},
        cset,
    )
    if all(v is None for v in pillar_raw.values()):
        band_notes.append(
            "no criterion could be scored: every fact it needs is unknown and the set's policy "
            "leaves unknowns out, so the score of 0 says nothing"
        )
    waivers = {w.criterion: _waiver_info(w, today) for w in profile.waivers}
    criteria_out = [
        r.model_copy(update={"waiver": waivers[r.id]}) if r.id in waivers else r
        for r in criteria_out
    ]
    flags, unverified = _flags(scored, values, profile, cset)
    flags = [f.model_copy(update={"waiver": waivers.get(f.criterion)}) for f in flags]
    final = cap_band(band_id, flags, cset, band_notes)
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
        waivers=list(waivers.values()),
        citations=_citations(profile),
        criteria_set=cset.info(),
    )


@dataclass(frozen=True)
class Aggregate:
    """Pillar scores, pillar shares, each criterion's possible points, and the overall score."""

    pillar_scores: dict[str, float | None]
    shares: dict[str, float]
    max_points: dict[str, float]
    overall: float


def aggregate(
    items: Sequence[tuple[str, str, float, float | None]], pillar_weights: Mapping[str, float]
) -> Aggregate:
    """The one aggregation rule, shared by evaluate() and the sensitivity analysis.

    `items` are (criterion id, pillar id, weight, score in [0, 1] or None when the criterion
    does not count). A pillar is the weighted mean of its counted criteria (x100); the overall
    score is the weighted mean of the pillars that have any counted criterion.
    """
    sums: dict[str, float] = dict.fromkeys(pillar_weights, 0.0)
    earned: dict[str, float] = dict.fromkeys(pillar_weights, 0.0)
    for _, pillar, weight, score in items:
        if score is not None:
            sums[pillar] += weight
            earned[pillar] += weight * score
    pillar_scores = {p: (100 * earned[p] / sums[p] if sums[p] else None) for p in pillar_weights}
    total = sum(w for p, w in pillar_weights.items() if pillar_scores[p] is not None)
    shares = {
        p: (w / total if total and pillar_scores[p] is not None else 0.0)
        for p, w in pillar_weights.items()
    }
    max_points = {
        cid: (100 * shares[pillar] * weight / sums[pillar] if score is not None else 0.0)
        for cid, pillar, weight, score in items
    }
    overall = sum(shares[p] * (pillar_scores[p] or 0.0) for p in pillar_weights)
    return Aggregate(pillar_scores, shares, max_points, overall)


def _waiver_info(waiver: Waiver, today: str | None) -> WaiverInfo:
    active = today is None or waiver.expires >= today  # ISO dates compare as text
    where = f"{waiver.path}:{waiver.line}" if waiver.line else waiver.path
    return WaiverInfo(
        criterion=waiver.criterion,
        reason=waiver.reason,
        owner=waiver.owner,
        expires=waiver.expires,
        active=active,
        source=where,
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
    score = round(score, 4)  # the status agrees with the score the scorecard prints
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
            f"{facts_text}{unknown_note}: score {_fraction(score)} × {max_points:.2f} "
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


def band_for(
    overall: float,
    pillars: dict[str, float | None],
    cset: CriteriaSet,
) -> tuple[str, list[str]]:
    """The best band whose minimum (and per-pillar minimum) the scores reach, with notes on
    bands refused for a weak pillar."""
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
            line=next((profile.facts[f].line for f in ids if f in profile.facts), None),
        )
        if result is True:
            tripped.append(flag)
        elif result is None:
            unverified.append(flag)
    return tripped, unverified


def cap_band(band_id: str, flags: list[Flag], cset: CriteriaSet, notes: list[str]) -> str:
    """The band after red flags cap it (a cap never raises a band); appends a note per cap."""
    order = [b.id for b in cset.header.bands]
    worst = order.index(band_id)
    for flag in flags:
        cap = order.index(flag.cap)
        if cap > worst:
            notes.append(f"capped at {flag.cap} by red flag {flag.criterion}")
            worst = cap
    return order[worst]


def _citations(profile: Profile) -> dict[str, Citation]:
    """The profile's sources that some stated fact cites, by key."""
    cited = {key for fact in profile.facts.values() for key in fact.sources}
    return {
        key: Citation(title=src.title, url=src.url, ref=src.ref, date=src.date)
        for key, src in sorted(profile.sources.items())
        if key in cited
    }


def _fraction(score: float) -> str:
    """Two decimals when exact, else four, so "score x max = points" multiplies out as shown."""
    return f"{score:.2f}" if abs(score * 100 - round(score * 100)) < 1e-9 else f"{score:.4f}"


def _improvements(results: list[CriterionResult], cset: CriteriaSet) -> list[Improvement]:
    """The largest point gains among criteria the project can act on (not pure context)."""
    facts = cset.facts
    remediation = {c.id: c.remediation for c in cset.criteria}
    gains = [
        (round(r.max_points - r.points, 3), r)
        for r in results
        if r.status in ("partial", "unmet", "unknown")
        and r.max_points - r.points > EPS
        and any(facts[f.id].actionable for f in r.facts if f.id in facts)
    ]
    gains.sort(key=lambda g: (-g[0], g[1].id))
    return [
        Improvement(criterion=r.id, title=r.title, gain=gain, remediation=remediation[r.id])
        for gain, r in gains[:TOP_IMPROVEMENTS]
    ]
