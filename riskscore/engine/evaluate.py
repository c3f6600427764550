"""evaluate(): a pure, deterministic function from (Profile, CriteriaSet) to a Scorecard.

criterion score in [0, 1] x weight -> pillar score 0-100 (weighted mean of applicable
criteria) -> overall 0-100 (weighted mean of scored pillars) -> band (may require a
per-pillar minimum) -> red-flag gates may cap the band.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

from riskscore.engine.assess import insufficiency, judged_profile
from riskscore.engine.evidence import (
    context_rating,
    evidence,
    governance_score,
)
from riskscore.engine.judge import (
    Judgement,
    band_reason,
    best_end,
    binding_caps,
    score_range,
)
from riskscore.engine.plan import CriterionPlan, plan_for
from riskscore.engine.rules import ZERO, PartScores, holds, round_half_up
from riskscore.engine.scorecard import Flag, Scorecard, Status, WaiverInfo, set_info
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Criterion, Fact, condition_facts
from riskscore.load.profile_models import Profile, StatedFact, Waiver

TOP_IMPROVEMENTS = 3
IMPUTATION = (
    "Every unknown fact scores 0 (no credit without evidence: the Responsible Mining Index, the "
    "Corporate Human Rights Benchmark and EITI Validation give none); score_range's upper end "
    "scores each at its best allowed value."
)
_GAPS = ("partial", "unmet", "unknown")  # statuses that carry a remediation

Data = dict[str, Any]
"""A result model's fields. evaluate() builds plain dicts and validates the whole scorecard
once: pydantic builds the ~80 nested models far faster than one constructor call each."""


def evaluate(profile: Profile, cset: CriteriaSet, today: str | None = None) -> Scorecard:
    """Score one profile; every number in the result is recomputable from its lines.

    Scores are exact fractions until printed, then rounded half-up (the set's `rounding`).
    Besides the score the scorecard carries its range (every unknown fact at worst / best),
    whether the evidence suffices for a band, and the reason for the band.
    Which waivers are still active is decided on one clock (expiry_day): the profile's
    `as_of` when it states one, else `today` (YYYY-MM-DD, the caller's UTC date); with
    neither every waiver counts as active. `today` is an argument, not a clock read, so
    evaluate() stays pure.
    """
    plan = plan_for(cset)
    head = cset.header
    digits = head.rounding.score_digits
    stale, values, lapsed, stated = judged_profile(profile, cset)
    stage = profile.project.stage
    low_score, high_score, low_band, high_band = score_range(cset, values, stage, stated, lapsed)
    outcomes = stated.outcomes
    agg = stated.agg
    overall = agg.overall
    ev = evidence(plan, outcomes, profile, cset, values)
    day = expiry_day(profile, today)
    waivers = {w.criterion: _waiver_info(w, day) for w in profile.waivers}
    criteria_out = [
        _criterion_result(c, o, profile, cset, agg.max_points[c.crit.id], stale)
        for c, o in zip(plan, outcomes, strict=True)
    ]
    if waivers:
        for r in criteria_out:
            if r["id"] in waivers:
                r["waiver"] = waivers[r["id"]]
    pillars_out = [
        {
            "id": p.id,
            "title": p.title,
            "weight": float(p.weight),
            "share": _r(agg.shares[p.id], 6),
            "score": _r(agg.pillar_scores[p.id], digits),
            # A pillar's criteria's points add up to its share of the score, exactly:
            # sum of 100*share*w/W * s = share * pillar score; sum of 100*share*w/W = 100*share.
            "points": _r(agg.shares[p.id] * (agg.pillar_scores[p.id] or 0), digits),
            "max_points": _r(100 * agg.shares[p.id], digits),
            "coverage": ev.pillar_coverage[p.id],
        }
        for p in head.pillars
    ]
    band_notes = list(stated.notes)
    flags, unverified, lapsed_flags = _flags(stated, values, profile, cset, waivers, lapsed)
    imputed = sorted(
        {f for c, o in zip(plan, outcomes, strict=True) if o is not None for f in c.part_facts}
        - set(values)
    )
    expected = [f for f in unverified if f["expected"]]
    why_not = insufficiency(
        cset,
        ev.coverage,
        ev.coverage_shown,
        (low_band, high_band),
        [f"{f['criterion']} ({f['expected_why']})" for f in expected],
    )
    if unverified:
        band_notes.append(
            "red flags not checked (each would cap the band; stating the fact settles it): "
            + "; ".join(
                f"{f['criterion']} → {_title(cset, f['cap'])} ({', '.join(f['settled_by'])})"
                for f in unverified
            )
        )
    if lapsed_flags:
        band_notes.append(
            "lapsed red flags (evidence older than the gate's window; they cap nothing): "
            + ", ".join(f.criterion for f in lapsed_flags)
        )
    if imputed:
        band_notes.append(
            f"{len(imputed)} unknown fact{'s' if len(imputed) > 1 else ''} scored 0 "
            "(no credit without evidence; listed under imputed_facts)"
        )
    sufficient = not why_not
    band = next(b for b in head.bands if b.id == stated.band)
    reason = band_reason(stated, overall, cset)
    capped = bool(binding_caps(stated))
    meaning = (band.capped_meaning or band.meaning) if capped else band.meaning
    if not sufficient:
        reason = f"Insufficient evidence: {'; '.join(why_not)} (provisional band {reason})"
        meaning = head.evidence.meaning
    context = context_rating(plan, outcomes, cset)
    context_best = context_rating(plan, best_end(plan, outcomes, values, stage), cset)
    context_shown, context_range = context[1], None
    if context[1] != context_best[1] and context[1] is not None and context_best[1] is not None:
        context_range = (context[1], context_best[1])
        context_shown = f"unknown ({context[1]}–{context_best[1]})"
    return Scorecard.model_validate(
        {
            "project": profile.project.name,
            "slug": profile.slug,
            "path": profile.path,
            "country": profile.project.country,
            "country_iso": profile.country_iso,
            "as_of": profile.as_of,
            "stage": stage,
            "commodities": [str(c) for c in profile.project.commodities],
            "score": round_half_up(overall, digits),
            "score_range": [
                round_half_up(low_score, digits),
                round_half_up(high_score, digits),
            ],
            "band": band.id,
            "band_title": band.title,
            "band_meaning": meaning,
            "band_reason": reason,
            "band_range": [low_band, high_band],
            "evidence_sufficient": sufficient,
            "band_before_caps": stated.band_before_caps,
            "band_notes": band_notes,
            "coverage": ev.coverage_shown,
            "coverage_sourced": ev.sourced_shown,
            "coverage_assumed": ev.assumed_shown,
            "stale_facts": sorted(stale),
            "governance_score": _r(governance_score(plan, outcomes, cset), digits),
            "context_score": _r(context[0], digits),
            "context_rating": context_shown,
            "context_rating_range": context_range,
            "flags": flags,
            "unverified_flags": [
                {k: v for k, v in f.items() if k not in ("title", "expected_why")}
                for f in unverified
            ],
            "lapsed_flags": lapsed_flags,
            "imputed_facts": imputed,
            "imputation": IMPUTATION,
            "pillars": pillars_out,
            "criteria": criteria_out,
            "improvements": _improvements(plan, criteria_out, {f.criterion for f in flags}),
            "waivers": list(waivers.values()),
            "citations": _citations(profile),
            "searched": _searched(profile),
            "criteria_set": set_info(cset),
        }
    )


def _r(x: Fraction | None, digits: int) -> float | None:
    """`x` rounded half-up (None stays None)."""
    return None if x is None else round_half_up(x, digits)


def _title(cset: CriteriaSet, band_id: str) -> str:
    return next(b.title for b in cset.header.bands if b.id == band_id)


def expiry_day(profile: Profile, today: str | None) -> str | None:
    """The date (YYYY-MM-DD) a waiver's `expires` is compared with: the profile's `as_of` when
    it states one, else `today` (the CLI passes the UTC date, commands/common.today). One clock
    whatever the machine's time zone, and the same answer on every machine for a profile that
    states its date. A waiver is active while `expires` >= this day (ISO dates compare as
    text), so it lapses on the day after `expires`."""
    return profile.as_of or today


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
    max_points: Fraction,
    stale: set[str],
) -> Data:
    """One CriterionResult's fields, with the facts it read and a line that adds up."""
    crit = c.crit
    head = cset.header
    cdig, pdig = head.rounding.criterion_digits, head.rounding.score_digits
    vocab = cset.facts
    stated_facts = profile.facts
    uses: list[Data] = []
    phrases: list[str] = []
    if outcome is None:
        status: Status = "not_applicable"
        score = None
        shown = None
        coverage = ZERO
        for fact_id in c.condition_facts:
            stated = stated_facts.get(fact_id)
            if stated is None:
                uses.append({"id": fact_id, "value": None, "known": False, "part_weight": 1.0})
                phrases.append(f"{fact_id} not stated")
                continue
            uses.append(_known_use(fact_id, stated, profile, None, 1.0, fact_id in stale))
            phrases.append(_phrase(fact_id, vocab.get(fact_id), stated, ""))
    else:
        score, coverage, part_scores = outcome
        shown = None if score is None else _shown(score, cdig)
        if coverage.numerator == 0:  # Fraction comparisons with an int cost far more
            status = "unknown"
        else:
            assert score is not None
            num, den = score.numerator, score.denominator
            status = "met" if num >= den else ("unmet" if num <= 0 else "partial")
        part_weights = c.part_weights_shown
        for fact_id, index in zip(c.part_facts, c.last_part_for_fact, strict=True):
            weight = part_weights[index]
            stated = stated_facts.get(fact_id)
            if stated is None:
                uses.append({"id": fact_id, "value": None, "known": False, "part_weight": weight})
                phrases.append(f"{fact_id} not stated")
                continue
            part_score = part_scores[index]
            part_shown = None if part_score is None else _shown(part_score, cdig)
            uses.append(
                _known_use(
                    fact_id,
                    stated,
                    profile,
                    None if part_shown is None else part_shown[0],
                    weight,
                    fact_id in stale,
                )
            )
            scored_as = f" → {part_shown[1]}" if c.weighted and part_shown is not None else ""
            phrases.append(_phrase(fact_id, vocab.get(fact_id), stated, scored_as))
    max_shown = _shown(max_points, pdig)
    points_shown = _shown(max_points * score if score else ZERO, pdig)
    facts_text = "; ".join(phrases)
    if status == "not_applicable":
        why = facts_text or f"the criterion does not apply at stage {profile.project.stage}"
        explanation = f"Not applicable: {why}."
    else:
        unknown_note = ""
        if coverage.numerator == 0:
            unknown_note = ": unknown, scored 0 (no credit without evidence)"
            open_cond = [f for f in c.condition_facts if f not in profile.facts]
            if open_cond and all(f in profile.facts for f in c.part_facts):
                unknown_note = (
                    f"; whether it applies is unknown ({', '.join(open_cond)} not stated), "
                    "so it is scored 0 until that is stated"
                )
        elif coverage.numerator < coverage.denominator:  # coverage < 1
            unknown_note = " (unknown parts scored 0: no credit without evidence)"
        assert shown is not None
        explanation = (
            f"{facts_text}{unknown_note}: score {shown[1]} × "
            f"{max_shown[1]} = {points_shown[1]} points."
        )
    return {
        "id": crit.id,
        "title": crit.title,
        "pillar": crit.pillar,
        "weight": c.weight_shown,
        "kind": crit.kind,
        "score": None if shown is None else shown[0],
        "status": status,
        "points": points_shown[0],
        "max_points": max_shown[0],
        "coverage": _shown(coverage, 4)[0],
        "facts": uses,
        "explanation": explanation,
        "sources": c.sources,
        "remediation": remediation_for(crit, profile.country_iso) if status in _GAPS else None,
    }


def _shown(x: Fraction, digits: int) -> tuple[float, str]:
    """`x` rounded half-up to `digits` (the scorecard's number), and as an explanation prints
    it: without trailing zeros beyond two."""
    return _shown_ratio(x.numerator, x.denominator, digits)


@functools.lru_cache(maxsize=8192)
def _shown_ratio(num: int, den: int, digits: int) -> tuple[float, str]:
    """_shown(Fraction(num, den), digits), remembered. A criterion's score, part scores,
    possible points and coverage take a few values per criteria set, so most profiles repeat
    them: without it evaluate() took about a quarter longer per profile over 200 distinct
    synthetic profiles (docs/performance.md, issue 19). Keyed on the integers, whose hash is
    far cheaper than a Fraction's."""
    value = round_half_up(Fraction(num, den), digits)
    text = f"{value:.{digits}f}"
    head, _, tail = text.partition(".")
    tail = tail.rstrip("0").ljust(min(2, digits), "0")
    return value, f"{head}.{tail}" if tail else head


def _known_use(
    fact_id: str,
    stated: StatedFact,
    profile: Profile,
    part_score: float | None,
    weight: float,
    stale: bool,
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
        "date": stated.date,
        "stale": stale,
        "origin": stated.origin,
        "citations": [
            {
                "ref": c.ref,
                "quote": c.quote,
                "locator": c.locator,
                "accessed": c.accessed,
                "translation": c.translation,
            }
            for c in stated.citations
            if c.quote is not None or c.locator is not None or c.accessed is not None
        ],
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
    stated_j: Judgement,
    values: dict[str, Any],
    profile: Profile,
    cset: CriteriaSet,
    waivers: dict[str, WaiverInfo],
    lapsed: frozenset[int],
) -> tuple[list[Flag], list[Data], list[Flag]]:
    """Red flags: verified (stated facts trip them; they cap the band), unverified (their facts
    are unknown: each with the band it would impose, the facts that settle it and whether due
    diligence expects the check here, `expected_when`), and lapsed (tripped on evidence older
    than the gate's `window_months`; they cap nothing)."""
    tripped: list[Flag] = []
    unverified: list[Data] = []
    gone: list[Flag] = []
    vocab = cset.facts
    stated = profile.facts
    for c, gate, result in stated_j.gates:
        if result is False:
            continue
        ids = next(f for g, f in c.gates if g is gate)
        evidence_text = "; ".join(
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
            "evidence": evidence_text,
            "verified": result is True,
            "line": next((stated[f].line for f in ids if f in stated), None),
            "settled_by": [f for f in ids if f not in values],
        }
        if result is True and id(gate) in lapsed:
            flag["lapsed"] = True
            gone.append(Flag.model_validate(flag))
        elif result is True:
            flag["waiver"] = waivers.get(c.crit.id)
            tripped.append(Flag.model_validate(flag))
        else:
            expected = gate.expected_when is not None and holds(gate.expected_when, values) is True
            flag["expected"] = expected
            flag["title"] = c.crit.title
            flag["expected_why"] = (
                "; ".join(
                    f"{f} = {_show_value(vocab.get(f), values[f])}"
                    for f in dict.fromkeys(condition_facts(gate.expected_when))
                    if f in values
                )
                if expected and gate.expected_when is not None
                else ""
            )
            unverified.append(flag)
    return tripped, _merged(unverified, [b.id for b in cset.header.bands]), gone


def _merged(unverified: list[Data], order: list[str]) -> list[Data]:
    """One unverified flag per criterion and set of facts that settle it: the gates of one
    criterion on the same facts (a cap for open cases, another for allegations) are one check,
    listed with the worst band they could impose."""
    out: dict[tuple[str, tuple[str, ...]], Data] = {}
    for flag in unverified:
        key = (flag["criterion"], tuple(flag["settled_by"]))
        kept = out.get(key)
        if kept is None:
            out[key] = flag
            continue
        expected = kept["expected"] or flag["expected"]
        if order.index(flag["cap"]) > order.index(kept["cap"]):
            kept = out[key] = flag
        kept["expected"] = expected
    return list(out.values())


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


def _searched(profile: Profile) -> list[Data]:
    """The profile's `searched:` records of facts it leaves unknown, by fact id."""
    return [
        {"fact": r.fact, "what": r.what, "accessed": r.accessed, "note": r.note, "origin": r.origin}
        for fid, r in sorted(profile.searched.items())
        if fid not in profile.facts
    ]


def remediation_for(crit: Criterion, country_iso: str | None) -> str:
    """What would raise `crit`, as a profile in `country_iso` reads it: the criterion's
    remediation, followed by its `country_advice` for that country when it has any.

    A country-neutral set keeps the advice of one country in an overlay (the Pakistan set
    extends the base); a profile in another country, or one whose country has no file,
    gets the neutral text alone.
    """
    text = crit.remediation.strip()
    advice = crit.country_advice.get(country_iso) if country_iso else None
    return f"{text} {advice.strip()}" if advice else text


def _improvements(
    plan: tuple[CriterionPlan, ...],
    results: list[Data],
    flagged: set[str],
) -> list[Data]:
    """The gaps to close first: criteria whose red flag tripped, then the largest point gains,
    among governance criteria the parties can act on (as the roadmap orders its steps)."""
    # Every status in _GAPS already carries remediation_for(crit, the profile's country).
    gains = [
        (round(r["max_points"] - r["points"], 2), r, r["remediation"])
        for c, r in zip(plan, results, strict=True)
        if r["status"] in _GAPS and r["max_points"] > r["points"] and c.actionable and not c.context
    ]
    gains.sort(key=lambda g: (g[1]["id"] not in flagged, -g[0], g[1]["id"]))
    return [
        {"criterion": r["id"], "title": r["title"], "gain": gain, "remediation": remediation}
        for gain, r, remediation in gains[:TOP_IMPROVEMENTS]
    ]
