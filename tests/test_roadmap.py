"""P8 A roadmap that starts at the binding constraint (issue 19), on every shipped profile and lens.

- When a verified red flag or a critical floor caps the band where it is, the first step
  addresses that criterion (a fact change, or its remediation when no fact of it is a lever);
  Reko Diq's ten steps used to reach 74.1 and stay Weak without touching its two red flags.
- No step proposes a value that cannot be chosen: a deprecated one (the vocabulary's
  `deprecated:`), one that cannot exist at the project's stage (`reachable_from`, a part's
  `stages:`), one of a criterion its country's legal order makes not applicable
  (`subnational_mineral_authority: false`), or a past event undone (the vocabulary's
  `reachable:`; `dispute_history: active_dispute -> none` used to be proposed).
- `evaluate`'s first improvement is the roadmap's first step.
- A step that only lowers the upper bound never counts as settling evidence.
"""

from __future__ import annotations

from functools import cache

import pytest

from riskscore.analysis.pipeline import load_profiles, scorecard
from riskscore.analysis.roadmap import Roadmap, build_roadmap
from riskscore.analysis.whatif import with_facts
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.discovery import discover_profiles
from riskscore.load.profile_models import Profile
from tests.conftest import PROJECTS, SHIPPED

TODAY = "2026-11-23"
STAGES = ("agreement", "exploration", "development", "construction", "production", "closed")
LEGACY = {("processing_stage", "domestic_smelting_or_refining")}
"""Deprecated by method v3 (issue 19 item 4) whether or not the set declares it yet."""
PAST_EVENTS = {("dispute_history", "none"), ("bribery_evidence", "none_reported")}
"""Values a roadmap may never propose once another value is stated (issue 19 item 10)."""


@cache
def cset(lens: str | None) -> CriteriaSet:
    return load_criteria(SHIPPED).with_lens(lens)


@cache
def profiles(lens: str | None) -> tuple[Profile, ...]:
    return tuple(load_profiles(discover_profiles([str(PROJECTS)]), cset(lens)))


LENSES = [None, *sorted(load_criteria(SHIPPED).lenses)]
SLUGS = [p.path.rsplit("/", 1)[-1].removesuffix(".yaml") for p in profiles(None)]


@cache
def roadmap(lens: str | None, slug: str, steps: int) -> tuple[Profile, Scorecard, Roadmap]:
    profile = next(p for p in profiles(lens) if p.path.endswith(f"/{slug}.yaml"))
    card = scorecard(profile, cset(lens), TODAY)
    return profile, card, build_roadmap(profile, cset(lens), TODAY, steps)


def holding(card: Scorecard, criteria: CriteriaSet) -> set[str]:
    """Criteria whose verified red flag or unmet critical floor caps the band where it is,
    read from the scorecard and the set (not from analysis.constraints)."""
    held = {
        f.criterion for f in card.flags if f.cap == card.band and not (f.waiver and f.waiver.active)
    }
    order = [b.id for b in criteria.header.bands]
    results = {r.id: r for r in card.criteria}
    for floor in criteria.header.critical:
        at = order.index(floor.band)
        if at + 1 < len(order) and order[at + 1] == card.band:
            held |= {
                cid
                for cid in floor.criteria
                if results[cid].status != "not_applicable"
                and (results[cid].score is None or results[cid].score < float(floor.min))
            }
    return held


@pytest.mark.parametrize("lens", LENSES)
@pytest.mark.parametrize("slug", SLUGS)
def test_the_first_step_addresses_what_holds_the_band(lens: str | None, slug: str) -> None:
    _, card, plan = roadmap(lens, slug, 1)
    held = holding(card, cset(lens))
    if held:
        assert plan.steps, f"{slug}: a cap holds the band and the roadmap is empty"
        assert plan.steps[0].criterion in held
        assert plan.steps[0].addresses is not None
        assert {b.criterion for b in plan.binding} == held


@pytest.mark.parametrize("lens", LENSES)
@pytest.mark.parametrize("slug", SLUGS)
def test_evaluate_first_improvement_is_the_roadmap_first_step(lens: str | None, slug: str) -> None:
    _, card, plan = roadmap(lens, slug, 1)
    assert bool(card.improvements) == bool(plan.steps)
    if plan.steps:
        assert card.improvements[0].criterion == plan.steps[0].criterion


@pytest.mark.parametrize("slug", SLUGS)
def test_no_step_proposes_a_value_that_cannot_be_chosen(slug: str) -> None:
    criteria = cset(None)
    profile, _, plan = roadmap(None, slug, 10)
    vocab = criteria.facts
    stage = profile.project.stage
    authority = profile.facts.get("subnational_mineral_authority")
    facts = {k: f.value for k, f in profile.facts.items()}
    for step in plan.steps:
        fact = vocab[step.fact]
        if step.kind == "remediate":
            assert step.new is None and step.gain == 0
            continue
        assert step.new not in (getattr(fact, "deprecated", None) or {})
        assert (step.fact, step.new) not in LEGACY
        old = facts.get(step.fact)
        if old is not None:
            assert (step.fact, step.new) not in PAST_EVENTS, f"{slug}: undoes {step.fact}={old}"
            reachable = getattr(fact, "reachable", None) or {}
            if old in reachable:
                assert step.new in reachable[old]
        crit = criteria.criterion(step.criterion)
        for part in getattr(crit.rule, "parts", None) or [crit.rule]:
            rule = getattr(part, "rule", part)
            if rule.fact != step.fact or stage is None:
                continue
            first = (getattr(rule, "reachable_from", None) or {}).get(step.new)
            if first is not None:
                assert STAGES.index(first) <= STAGES.index(stage), f"{slug}: {step.new} at {stage}"
            stages = getattr(part, "stages", None)
            assert stages is None or stage in stages
        if authority is not None and authority.value is False:
            assert step.fact != "provincial_consent", f"{slug}: provinces hold no mineral rights"
        facts[step.fact] = step.new


def test_a_past_event_is_never_undone() -> None:
    """The historical Tethyan profile has an active dispute; its roadmap used to propose
    `dispute_history: none`. The vocabulary says a dispute can be settled or decided."""
    profile, _, plan = roadmap(None, "reko-diq-tethyan-2011", 10)
    assert profile.facts["dispute_history"].value == "active_dispute"
    proposed = [s.new for s in plan.steps if s.fact == "dispute_history"]
    assert "none" not in proposed
    assert set(proposed) <= {"settled", "resolved_by_judgment"}
    reachable = cset(None).facts["dispute_history"].reachable
    assert reachable["active_dispute"] == ["settled", "resolved_by_judgment"]


def test_reko_diq_starts_at_its_red_flags() -> None:
    """Unresolved allegations of serious abuses cap Reko Diq at Failing (method v3, OECD
    Annex II paragraph 2; before v3 two flags capped it at Weak): allegations are no lever, so
    the roadmap first names the independent investigation instead of changing the fact, then
    clears the security flag, which caps lower than the band and so no longer binds."""
    _, card, plan = roadmap(None, "reko-diq", 10)
    assert card.band == "failing"
    assert [b.criterion for b in plan.binding] == ["serious-abuses"]
    first, second = plan.steps[:2]
    assert (first.criterion, first.kind, first.new, first.gain) == (
        "serious-abuses",
        "remediate",
        None,
        0,
    )
    assert "independent inquiry" in first.remediation
    assert (
        first.why
        == "band stays Failing, held by red flag (critical) serious-abuses until the outcome is "
        "recorded"
    )
    assert (second.criterion, second.fact, second.new) == (
        "security-plan-and-vpshr",
        "security_human_rights",
        "vpshr_independently_assessed",
    )
    assert second.flags_cleared == ["security-plan-and-vpshr"]
    assert card.improvements[0].criterion == "serious-abuses"


ABUSE_FACTS = ("serious_abuse_evidence", "forced_or_child_labour_evidence", "bribery_evidence")


@pytest.mark.parametrize("slug", SLUGS)
def test_an_abuse_fact_is_never_unfound(slug: str) -> None:
    """A stated abuse or bribery case is investigated or remediated, never changed to
    `none_reported`; for an unknown one a step may only document what a search finds, and
    its wording says so (Oyu Tolgoi's and Reko Diq's forced-labour steps read as a practice
    change before)."""
    profile, _, plan = roadmap(None, slug, 10)
    for step in plan.steps:
        if step.fact not in ABUSE_FACTS or step.new != "none_reported":
            continue
        assert step.kind == "document", f"{slug}: {step.fact} case changed to none_reported"
        assert step.fact not in profile.facts
        assert step.remediation.startswith("Document, do not change: state what a search")


@pytest.mark.parametrize("slug", SLUGS)
def test_settling_evidence_raises_the_low_end(slug: str) -> None:
    """A step counted as settling insufficient evidence raised the low end of the range; one
    that only lowers the upper bound (a weak value) never counts."""
    criteria = cset(None)
    profile, _, plan = roadmap(None, slug, 10)
    changes: dict = {}
    before = evaluate(profile, criteria, TODAY)
    for step in plan.steps:
        if step.kind != "remediate":
            changes[step.fact] = step.new
        after = evaluate(with_facts(profile, changes), criteria, TODAY)
        if step.settles:
            assert after.evidence_sufficient and not before.evidence_sufficient
            assert after.score_range[0] > before.score_range[0]
        before = after


def test_no_step_switches_its_criterion_off() -> None:
    # `state_counterparty: no_state_party` scored 1 in the rule but makes the criterion not
    # applicable: proposing it as the way up from an unpublished SOE's 0.3 would change what is
    # measured, not improve it (engine.order.switches_off).
    from riskscore.analysis.roadmap import _candidates
    from tests.conftest import facts_profile

    cset = load_criteria(SHIPPED)
    profile = facts_profile({"state_counterparty": "soe_accounts_not_public"})
    card = evaluate(profile, cset, "2026-11-23")
    steps = {v for c, f, v in _candidates(card, profile, cset) if f == "state_counterparty"}
    assert steps == {"soe_audited_accounts_public", "soe_state_participation_disclosed"}
