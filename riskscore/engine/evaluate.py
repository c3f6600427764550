"""evaluate(): a pure, deterministic function from (Profile, CriteriaSet) to a Scorecard.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted mean of applicable
criteria) -> overall 0-100 (weighted mean of scored pillars) -> band (may require a
per-pillar minimum) -> red-flag gates may cap the band.
"""

from __future__ import annotations

from typing import Any

from riskscore.engine.aggregate import EPS, aggregate, band_for, cap_band
from riskscore.engine.plan import CriterionPlan, plan_for
from riskscore.engine.rules import PartScores, holds, score_parts
from riskscore.engine.scorecard import Flag, Scorecard, Status, WaiverInfo, set_info
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Fact
from riskscore.load.profile_models import Profile, StatedFact, Waiver

TOP_IMPROVEMENTS = 3
_GAPS = ("partial", "unmet", "unknown")  # statuses that carry a remediation

Data = dict[str, Any]
"""A result model's fields. evaluate() builds plain dicts and validates the whole scorecard
once: pydantic builds the ~80 nested models far faster than one constructor call each."""


def evaluate(profile: Profile, cset: CriteriaSet, today: str | None = None) -> Scorecard:
    """Score one profile; every number in the result is recomputable from its lines.

    `today` (YYYY-MM-DD) decides which waivers are still active; without it every waiver
    counts as active. It is an argument, not a clock read, so evaluate() stays pure.
    """
    plan = plan_for(cset)
    values = {k: f.value for k, f in profile.facts.items()}
    policy = cset.header.unknown
    unknown_score = float(policy.score) if policy.policy == "score" else None

    outcomes = [_score_criterion(c, values, unknown_score) for c in plan]
    pillars_in = cset.header.pillars
    pillar_weights = {p.id: float(p.weight) for p in pillars_in}
    agg = aggregate(
        [
            (c.crit.id, c.crit.pillar, c.weight, None if o is None else o[0])
            for c, o in zip(plan, outcomes, strict=True)
        ],
        pillar_weights,
    )
    # Evidence coverage: share of the nominal weight (every applicable criterion counted,
    # whatever the unknown policy) whose facts the profile states.
    # Its possible points only depend on which criteria count, so when every applicable
    # criterion has a score (always, unless the policy leaves unknowns out) they are agg's.
    nominal = agg
    if any(o is not None and o[0] is None for o in outcomes):
        nominal = aggregate(
            [
                (c.crit.id, c.crit.pillar, c.weight, None if o is None else 0.0)
                for c, o in zip(plan, outcomes, strict=True)
            ],
            pillar_weights,
        )
    nominal_total = sum(nominal.max_points.values())
    nominal_known = sum(
        nominal.max_points[c.crit.id] * o[1]
        for c, o in zip(plan, outcomes, strict=True)
        if o is not None
    )
    waivers = {w.criterion: _waiver_info(w, today) for w in profile.waivers}
    criteria_out = [
        _criterion_result(c, o, profile, cset, agg.max_points[c.crit.id], unknown_score)
        for c, o in zip(plan, outcomes, strict=True)
    ]
    if waivers:
        for r in criteria_out:
            if r["id"] in waivers:
                r["waiver"] = waivers[r["id"]]
    overall = agg.overall
    pillar_raw = agg.pillar_scores
    # Band and per-pillar minimums are judged on the figures the scorecard prints, so a
    # printed 75.00 is never "below 75".
    pillar_shown = {k: None if v is None else round(v, 2) for k, v in pillar_raw.items()}
    points: dict[str, list[float]] = {p: [] for p in pillar_weights}
    max_points: dict[str, list[float]] = {p: [] for p in pillar_weights}
    for r in criteria_out:
        points[r["pillar"]].append(r["points"])
        max_points[r["pillar"]].append(r["max_points"])
    pillars_out = [
        {
            "id": p.id,
            "title": p.title,
            "weight": float(p.weight),
            "share": round(agg.shares[p.id], 6),
            "score": pillar_shown[p.id],
            "points": round(sum(points[p.id]), 3),
            "max_points": round(sum(max_points[p.id]), 3),
        }
        for p in pillars_in
    ]
    band_id, band_notes = band_for(round(overall, 2), pillar_shown, cset)
    if all(v is None for v in pillar_raw.values()):
        band_notes.append(
            "no criterion could be scored: every fact it needs is unknown and the set's policy "
            "leaves unknowns out, so the score of 0 says nothing"
        )
    flags, unverified = _flags(plan, outcomes, values, profile, cset, waivers)
    final = cap_band(band_id, flags, cset, band_notes)
    band = next(b for b in cset.header.bands if b.id == final)
    return Scorecard.model_validate(
        {
            "project": profile.project.name,
            "slug": profile.slug,
            "path": profile.path,
            "country": profile.project.country,
            "as_of": profile.as_of,
            "score": round(overall, 2),
            "band": band.id,
            "band_title": band.title,
            "band_meaning": band.meaning,
            "band_before_caps": band_id,
            "band_notes": band_notes,
            "coverage": round(100 * nominal_known / nominal_total, 1) if nominal_total else 0.0,
            "flags": flags,
            "unverified_flags": unverified,
            "pillars": pillars_out,
            "criteria": criteria_out,
            "improvements": _improvements(plan, criteria_out),
            "waivers": list(waivers.values()),
            "citations": _citations(profile),
            "criteria_set": set_info(cset),
        }
    )


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


def _round(x: float, ndigits: int) -> float:
    """round(x, ndigits), skipping the call for the common exact 0 and 1 (same result): the
    engine rounds several numbers per criterion and round() is slow."""
    return x if x == 0.0 or x == 1.0 else round(x, ndigits)


def _score_criterion(
    c: CriterionPlan, values: dict[str, Any], unknown: float | None
) -> PartScores | None:
    """The rule's (score, known share, part scores), or None when not applicable."""
    cond = c.crit.not_applicable_when
    if cond is not None and holds(cond, values):
        return None
    return score_parts(c.parts, values, unknown)


def _show_value(fact: Fact | None, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if fact is not None and fact.unit:
        return f"{value:g} {fact.unit}" if isinstance(value, int | float) else str(value)
    return str(value)


def _criterion_result(
    c: CriterionPlan,
    outcome: PartScores | None,
    profile: Profile,
    cset: CriteriaSet,
    max_points: float,
    unknown_score: float | None,
) -> Data:
    """One CriterionResult's fields, with the facts it read and a line that adds up."""
    crit = c.crit
    vocab = cset.facts
    stated_facts = profile.facts
    uses: list[Data] = []
    phrases: list[str] = []
    if outcome is None:
        status: Status = "not_applicable"
        score = shown = None
        coverage = 0.0
        for fact_id in c.condition_facts:
            stated = stated_facts.get(fact_id)
            if stated is None:
                uses.append({"id": fact_id, "value": None, "known": False, "part_weight": 1.0})
                phrases.append(f"{fact_id} not stated")
                continue
            uses.append(_known_use(fact_id, stated, profile, None, 1.0))
            phrases.append(_phrase(fact_id, vocab.get(fact_id), stated, ""))
    else:
        score, coverage, part_scores = outcome
        shown = None if score is None else _round(score, 4)
        if coverage == 0:
            status = "unknown"
        else:
            assert shown is not None  # the status agrees with the score the scorecard prints
            status = "met" if shown >= 1 - EPS else ("unmet" if shown <= EPS else "partial")
        parts = c.parts
        for (fact_id, *_), index in zip(parts, c.last_part_for_fact, strict=True):
            weight = parts[index][1]
            stated = stated_facts.get(fact_id)
            if stated is None:
                uses.append({"id": fact_id, "value": None, "known": False, "part_weight": weight})
                phrases.append(f"{fact_id} not stated")
                continue
            part_score = part_scores[index]
            uses.append(
                _known_use(
                    fact_id,
                    stated,
                    profile,
                    None if part_score is None else _round(part_score, 4),
                    weight,
                )
            )
            scored_as = f" → {part_score:.2f}" if c.weighted and part_score is not None else ""
            phrases.append(_phrase(fact_id, vocab.get(fact_id), stated, scored_as))
    points = max_points * (score or 0)
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
    return {
        "id": crit.id,
        "title": crit.title,
        "pillar": crit.pillar,
        "weight": c.weight,
        "score": shown,
        "status": status,
        "points": _round(points, 3),
        "max_points": _round(max_points, 3),
        "coverage": _round(coverage, 4),
        "facts": uses,
        "explanation": explanation,
        "sources": c.sources,
        "remediation": crit.remediation if status in _GAPS else None,
    }


def _known_use(
    fact_id: str, stated: StatedFact, profile: Profile, part_score: float | None, weight: float
) -> Data:
    """A FactUse's fields for a stated fact."""
    sources = profile.sources
    return {
        "id": fact_id,
        "value": stated.value,
        "known": True,
        "sources": stated.sources,
        "source_titles": [sources[s].title for s in stated.sources if s in sources],
        "assumption": stated.assumption,
        "line": stated.line,
        "part_score": part_score,
        "part_weight": weight,
        "origin": stated.origin,
    }


def _phrase(fact_id: str, fact: Fact | None, stated: StatedFact, scored_as: str) -> str:
    """How the explanation quotes a stated fact: value, citation, assumption, part score."""
    kinds = stated.source_kinds or (None,) * len(stated.sources)
    cited = [
        f"{key} ({kind.replace('_', ' ')})" if kind else key
        for key, kind in zip(stated.sources, kinds, strict=True)
    ]
    cite = f" [{', '.join(cited)}]" if cited else " [no source]"
    assumed = " (assumption)" if stated.assumption else ""
    origin = f" (from {stated.origin})" if stated.origin else ""
    return f"{fact_id} = {_show_value(fact, stated.value)}{cite}{origin}{assumed}{scored_as}"


def _flags(
    plan: tuple[CriterionPlan, ...],
    outcomes: list[PartScores | None],
    values: dict[str, Any],
    profile: Profile,
    cset: CriteriaSet,
    waivers: dict[str, WaiverInfo],
) -> tuple[list[Flag], list[Data]]:
    """Red flags that tripped (as models, for cap_band) and those unknown facts left open."""
    tripped: list[Flag] = []
    unverified: list[Data] = []
    vocab = cset.facts
    stated = profile.facts
    for c, outcome in zip(plan, outcomes, strict=True):
        gate = c.crit.gate
        if gate is None or outcome is None:
            continue
        ids = c.gate_facts
        result = holds(gate.when, values)
        if result is False:
            continue
        evidence = "; ".join(
            f"{f} = {_show_value(vocab.get(f), values[f])}"
            + (f" [{', '.join(stated[f].sources)}]" if stated[f].sources else "")
            if f in values
            else f"{f} not stated"
            for f in ids
        )
        flag: Data = {
            "criterion": c.crit.id,
            "severity": gate.severity,
            "cap": gate.cap,
            "message": gate.message,
            "evidence": evidence,
            "verified": result is True,
            "line": next((stated[f].line for f in ids if f in stated), None),
        }
        if result is True:
            flag["waiver"] = waivers.get(c.crit.id)
            tripped.append(Flag.model_validate(flag))
        else:
            unverified.append(flag)
    return tripped, unverified


def _citations(profile: Profile) -> dict[str, Data]:
    """The profile's sources that some stated fact cites, by key."""
    cited = {key for fact in profile.facts.values() for key in fact.sources}
    return {
        key: {
            "title": src.title,
            "url": src.url,
            "ref": src.ref,
            "date": src.date,
            "kind": src.kind,
        }
        for key, src in sorted(profile.sources.items())
        if key in cited
    }


def _fraction(score: float) -> str:
    """Two decimals when exact, else four, so "score x max = points" multiplies out as shown."""
    return f"{score:.2f}" if abs(score * 100 - round(score * 100)) < 1e-9 else f"{score:.4f}"


def _improvements(plan: tuple[CriterionPlan, ...], results: list[Data]) -> list[Data]:
    """The largest point gains among criteria the project can act on (not pure context)."""
    gains = [
        (round(r["max_points"] - r["points"], 3), r, c.crit.remediation)
        for c, r in zip(plan, results, strict=True)
        if r["status"] in _GAPS and r["max_points"] - r["points"] > EPS and c.actionable
    ]
    gains.sort(key=lambda g: (-g[0], g[1]["id"]))
    return [
        {"criterion": r["id"], "title": r["title"], "gain": gain, "remediation": remediation}
        for gain, r, remediation in gains[:TOP_IMPROVEMENTS]
    ]
