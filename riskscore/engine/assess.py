"""The verdict of one profile without its scorecard: score, band, red flags and evidence state.

evaluate() judges a profile and then writes the ~80 results a scorecard explains itself with.
An analysis that tries many changes to one profile (the roadmap ranks every candidate step)
needs only the verdict of each: its printed score, band, verified red flags and whether the
evidence suffices. `assess()` computes exactly those, from the same judgement evaluate() makes
(`judged_profile`) and the same sufficiency rule (`insufficiency`), so the two cannot
disagree (tests/test_assess.py checks them against evaluate() over generated profiles). The
score range, the costliest part of a judgement, is computed only when sufficiency is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from riskscore.engine.evidence import evidence, is_stale, stale_facts
from riskscore.engine.judge import Judgement, judge, score_range
from riskscore.engine.plan import CriterionPlan, plan_for
from riskscore.engine.rules import holds, q, round_half_up
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile


def judged_profile(
    profile: Profile, cset: CriteriaSet
) -> tuple[set[str], dict[str, Any], frozenset[int], Judgement]:
    """(stale fact ids, the values judged, lapsed gates, the judgement at the stated facts).

    The values are the profile's stated facts, less the stale ones when the set's
    `evidence.stale` is `unknown`. `lapsed` holds the `id()` of gates whose tripping evidence
    is older than their `window_months` (_lapsed_gates)."""
    plan = plan_for(cset)
    stale = stale_facts(profile, cset)
    values = {
        k: f.value
        for k, f in profile.facts.items()
        if not (k in stale and cset.header.evidence.stale == "unknown")
    }
    lapsed = _lapsed_gates(plan, values, profile)
    stated = judge(cset, values, profile.project.stage, "stated", lapsed=lapsed)
    return stale, values, lapsed, stated


def _lapsed_gates(
    plan: tuple[CriterionPlan, ...], values: dict[str, Any], profile: Profile
) -> frozenset[int]:
    """`id()` of every gate with a `window_months` whose condition holds on facts all dated more
    than that many months before the profile's `as_of` (OECD Annex II and IRMA treat old,
    unrepeated allegations as lapsed; a gate without a window never lapses)."""
    if profile.as_of is None:
        return frozenset()
    out: set[int] = set()
    for c in plan:
        for gate, ids in c.gates:
            if gate.window_months is None or holds(gate.when, values) is not True:
                continue
            dates = [profile.facts[f].date if f in profile.facts else None for f in ids]
            if dates and all(
                d is not None and is_stale(d, profile.as_of, gate.window_months) for d in dates
            ):
                out.add(id(gate))
    return frozenset(out)


def expected_unverified(stated: Judgement, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """(criterion id, gate) of every unverified red flag (its facts unknown) whose gate's
    `expected_when` holds: where due diligence expects the check (an OECD conflict-affected or
    high-risk area), an unchecked flag makes the evidence insufficient (method v3, P3)."""
    return [
        (c.crit.id, gate)
        for c, gate, result in stated.gates
        if result is None
        and gate.expected_when is not None
        and holds(gate.expected_when, values) is True
    ]


def insufficiency(
    cset: CriteriaSet,
    coverage: Fraction,
    coverage_shown: float,
    band_range: tuple[str, str] | None,
    expected: list[str],
) -> list[str]:
    """Why the evidence does not suffice for a band, one clause per reason; empty when it does.

    Sufficient iff coverage (percent of nominal weight on stated facts) reaches the set's
    `evidence.min_coverage`, the band range (band at the score, band with every unknown fact at
    its best) spans at most `evidence.max_band_spread` steps, and no red flag that due diligence
    expects checked here (`expected`: "criterion (why)" texts) is unverified (method v3, P3).
    `band_range` None skips the spread test (the caller knows another reason already fails)."""
    head = cset.header
    why_not: list[str] = []
    if coverage < q(head.evidence.min_coverage):
        why_not.append(
            f"coverage {coverage_shown:.1f}% is under the {head.evidence.min_coverage:g}% required"
        )
    max_spread = head.evidence.max_band_spread
    if band_range is not None and max_spread is not None:
        order = [b.id for b in head.bands]
        low, high = band_range
        spread = order.index(low) - order.index(high)
        if spread > max_spread:
            titles = {b.id: b.title for b in head.bands}
            why_not.append(
                f"band range {titles[low]}–{titles[high]} spans {spread} steps "
                f"(at most {max_spread})"
            )
    if expected:
        why_not.append("not checked where due diligence expects it: " + "; ".join(expected))
    return why_not


@dataclass
class Assessment:
    """One profile's verdict: what evaluate()'s scorecard gives as `score`, `band`, the criterion
    ids of `flags` (verified red flags, waived or not) and `evidence_sufficient`.

    `score` is the printed overall (rounded half-up to the set's `score_digits`), exactly the
    scorecard's. `evidence_sufficient()` is computed on first call (it needs the score range)."""

    profile: Profile
    cset: CriteriaSet
    values: dict[str, Any]
    lapsed: frozenset[int]
    stated: Judgement
    score: float
    band: str
    flags: frozenset[str]
    _sufficient: bool | None = field(default=None, repr=False)

    def evidence_sufficient(self) -> bool:
        """Whether the evidence suffices for a band (`insufficiency` is empty)."""
        if self._sufficient is None:
            self._sufficient = self._compute_sufficient()
        return self._sufficient

    def _compute_sufficient(self) -> bool:
        plan = plan_for(self.cset)
        ev = evidence(plan, self.stated.outcomes, self.profile, self.cset, self.values)
        expected = [cid for cid, _ in expected_unverified(self.stated, self.values)]
        if insufficiency(self.cset, ev.coverage, ev.coverage_shown, None, expected):
            return False
        _, _, low, high = score_range(
            self.cset, self.values, self.profile.project.stage, self.stated, self.lapsed
        )
        return not insufficiency(self.cset, ev.coverage, ev.coverage_shown, (low, high), [])


def assess(profile: Profile, cset: CriteriaSet) -> Assessment:
    """The verdict evaluate(profile, cset) gives, without building its scorecard.

    Waivers change no verdict (a waived red flag still caps the band and is still listed), so
    no date is needed."""
    _, values, lapsed, stated = judged_profile(profile, cset)
    flags = frozenset(
        c.crit.id for c, gate, result in stated.gates if result is True and id(gate) not in lapsed
    )
    return Assessment(
        profile=profile,
        cset=cset,
        values=values,
        lapsed=lapsed,
        stated=stated,
        score=round_half_up(stated.agg.overall, cset.header.rounding.score_digits),
        band=stated.band,
        flags=flags,
    )
