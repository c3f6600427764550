"""One fixture per defect of issue 19 (items 1-6) that method v3 fixed; each fails on the v2
engine and criteria (docs/methodology.md, "What method v3 changed")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from riskscore.engine.criterion import score_criterion
from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from riskscore.load.profile_models import Profile, StatedFact
from tests.conftest import PROJECTS, best_facts, facts_profile


def shipped_profile(cset: CriteriaSet, slug: str) -> Profile:
    return load_profile(PROJECTS / f"{slug}.yaml", cset)


def without(profile: Profile, *fact_ids: str) -> Profile:
    return replace(profile, facts={k: v for k, v in profile.facts.items() if k not in fact_ids})


def with_facts(profile: Profile, **values: Any) -> Profile:
    facts = dict(profile.facts)
    facts.update({k: StatedFact(id=k, value=v, sources=("fixture",)) for k, v in values.items()})
    return replace(profile, facts=facts)


# --- item 1: "insufficient evidence" followed whether a gate's fact was stated ---------------


def test_item1_an_unverified_red_flag_does_not_widen_the_band_range(shipped: CriteriaSet) -> None:
    # v2: Oyu Tolgoi (74 % coverage) ranged Failing-Good because bribery and forced-labour facts
    # were unstated; an unverified flag now caps neither end.
    card = evaluate(shipped_profile(shipped, "oyu-tolgoi"), shipped)
    assert card.unverified_flags
    assert card.band_range[0] == card.band
    assert "spans" not in card.band_reason


def test_item1_stating_a_gate_fact_either_way_no_longer_decides_the_verdict(
    shipped: CriteriaSet,
) -> None:
    # v2: stating bribery_evidence with any value narrowed the range by two bands.
    base = shipped_profile(shipped, "oyu-tolgoi")
    unknown = evaluate(base, shipped).band_range
    stated = evaluate(with_facts(base, bribery_evidence="allegations_closed"), shipped).band_range
    assert unknown[1] == stated[1]


# --- item 2: saying less raised scores --------------------------------------------------------


@pytest.mark.parametrize("fact", ["conflict_exposure", "partner_concentration"])
def test_item2_deleting_a_fact_from_reko_diq_never_raises_its_score(
    shipped: CriteriaSet, fact: str
) -> None:
    # v2: 49.39 -> 50.48 (conflict_exposure), 50.01 (partner_concentration) under `exclude`.
    profile = shipped_profile(shipped, "reko-diq")
    assert evaluate(without(profile, fact), shipped).score <= evaluate(profile, shipped).score


def test_item2_deleting_allegations_lowers_the_score_and_lists_the_flag(
    shipped: CriteriaSet,
) -> None:
    profile = with_facts(
        facts_profile(best_facts(shipped), stage="production"),
        forced_or_child_labour_evidence="allegations_unresolved",
    )
    stated = evaluate(profile, shipped)
    deleted = evaluate(without(profile, "forced_or_child_labour_evidence"), shipped)
    assert deleted.score < stated.score
    assert "forced-or-child-labour" in {f.criterion for f in stated.flags}
    assert "forced-or-child-labour" in {f.criterion for f in deleted.unverified_flags}


# --- item 3: gates and floors -----------------------------------------------------------------


@pytest.mark.parametrize("fact", ["serious_abuse_evidence", "forced_or_child_labour_evidence"])
def test_item3_unresolved_annex_ii_allegations_cap_at_failing_under_both_facts(
    shipped: CriteriaSet, fact: str
) -> None:
    # v2: Weak under serious_abuse_evidence ("a risk-management plan"), nothing under forced
    # labour. OECD Annex II paragraph 2: immediately suspend or disengage.
    values = {**best_facts(shipped), fact: "allegations_unresolved"}
    assert evaluate(facts_profile(values, stage="production"), shipped).band == "failing"


def test_item3_an_old_allegation_lapses_and_is_listed(shipped: CriteriaSet) -> None:
    profile = facts_profile(best_facts(shipped), stage="production")
    facts = dict(profile.facts)
    facts["serious_abuse_evidence"] = StatedFact(
        "serious_abuse_evidence", "allegations_unresolved", ("fixture",), date="2015-01-01"
    )
    card = evaluate(replace(profile, facts=facts, as_of="2026-01-01"), shipped)
    assert card.band != "failing"
    assert [f.criterion for f in card.lapsed_flags] == ["serious-abuses"]


def test_item3_provincial_consent_does_not_apply_without_provincial_authority(
    shipped: CriteriaSet,
) -> None:
    # v2: a Zambian mine could not state provincial consent truthfully, so Good was unreachable.
    card = evaluate(shipped_profile(shipped, "kansanshi"), shipped)
    status = {c.id: c.status for c in card.criteria}
    assert status["provincial-consent"] == "not_applicable"


def test_item3_the_vpshr_floor_does_not_hold_a_low_conflict_mine(shipped: CriteriaSet) -> None:
    # v2: the VPSHR critical floor held a low-conflict mine at Satisfactory.
    values = {**best_facts(shipped), "security_plan_public": False, "security_human_rights": "none"}
    assert values["conflict_exposure"] == "low"
    assert evaluate(facts_profile(values, stage="production"), shipped).band == "good"


def test_item3_the_state_lens_accepts_a_published_decision(shipped: CriteriaSet) -> None:
    # v2: its text said a published decision was enough, but 0.4 was under its 0.5 floor.
    values = {**best_facts(shipped), "licence_allocation": "discretionary_published"}
    card = evaluate(facts_profile(values, stage="production"), shipped.with_lens("state"))
    assert card.band == "good"


def test_item3_a_void_legal_title_caps_at_poor(shipped: CriteriaSet) -> None:
    values = {**best_facts(shipped), "legal_framework_status": "suspended_or_void"}
    assert evaluate(facts_profile(values, stage="production"), shipped).band == "poor"


def test_item3_riverine_tailings_can_be_stated_and_cap_the_band(shipped: CriteriaSet) -> None:
    values = {**best_facts(shipped), "tailings_disposal": "riverine_lake_or_marine"}
    assert evaluate(facts_profile(values, stage="production"), shipped).band == "poor"


# --- item 4: vocabulary -------------------------------------------------------------------------


def test_item4_the_deprecated_processing_value_scores_as_smelting(
    shipped: CriteriaSet, tmp_path: Path
) -> None:
    # v2: domestic_smelting_or_refining scored like refining (1.0); v3 reads it as smelting.
    assert shipped.facts["processing_stage"].deprecated == {
        "domestic_smelting_or_refining": "domestic_smelting"
    }
    smelting = score_criterion(
        shipped, "in-country-processing", {"processing_stage": "domestic_smelting"}
    )
    refining = score_criterion(
        shipped, "in-country-processing", {"processing_stage": "domestic_refining"}
    )
    assert smelting != refining  # the mapping decides something
    # A profile still written with the old value (Kansanshi's researched profile now states
    # domestic_refining, so the old value is written into a copy of it).
    text = (PROJECTS / "kansanshi.yaml").read_text(encoding="utf-8")
    old = "  processing_stage:\n    value: domestic_refining\n"
    assert old in text
    path = tmp_path / "kansanshi.yaml"
    path.write_text(
        text.replace(old, old.replace("domestic_refining", "domestic_smelting_or_refining")),
        encoding="utf-8",
    )
    profile = load_profile(path, shipped)
    assert profile.facts["processing_stage"].deprecated_from == "domestic_smelting_or_refining"
    card = evaluate(profile, shipped)
    part = next(c for c in card.criteria if c.id == "in-country-processing").facts[0]
    assert (part.value, part.part_score) == ("domestic_smelting", 0.75)
    assert card.score < evaluate(shipped_profile(shipped, "kansanshi"), shipped).score


@pytest.mark.parametrize(
    ("criterion", "values"),
    [
        (
            "local-hiring",
            {"local_employment_evidence": "action", "local_employment_share_pct": 100},
        ),
        ("technology-transfer", {"technology_transfer_evidence": "action"}),
        (
            "in-country-processing",
            {"processing_stage": "domestic_refining", "processing_evidence": "action"},
        ),
    ],
)
def test_item4_a_tracked_tier_is_not_applicable_before_construction(
    shipped: CriteriaSet, criterion: str, values: dict[str, Any]
) -> None:
    # v2: before construction the "tracked" tier could not be met, so the top was unreachable.
    assert score_criterion(shipped, criterion, values, stage="exploration") == 1
    assert score_criterion(shipped, criterion, values, stage="production") < 1


def test_item4_revenue_parts_do_not_apply_before_production(shipped: CriteriaSet) -> None:
    values = {"subnational_revenue_rules": "legislated"}
    assert score_criterion(shipped, "subnational-revenue-sharing", values, stage="development") == 1
    assert (
        score_criterion(shipped, "revenue-through-audited-channels", {}, stage="development")
        is None
    )


def test_item4_stages_are_defined_by_milestones(shipped: CriteriaSet) -> None:
    stages = shipped.header.stages
    assert [s.id for s in stages] == [
        "agreement", "exploration", "development", "construction", "production", "closed"
    ]  # fmt: skip
    assert all(s.milestone for s in stages)


# --- item 5: the context rating ---------------------------------------------------------------


def test_item5_context_rates_the_setting_not_eiti_or_disclosure_law(shipped: CriteriaSet) -> None:
    # v2: EITI status and the disclosure law were 7 of 13 context weight: an army-evictions
    # setting rated "benign". Now they are governance and conflict decides the setting.
    kinds = {c.id: c.kind for c in shipped.criteria}
    assert kinds["eiti-implementation"] == kinds["contract-disclosure-rules"] == "governance"
    values = {
        "eiti_status": "validated_high",
        "contract_disclosure_required": True,
        "conflict_exposure": "active_armed_conflict",
        "legal_framework_status": "settled",
    }
    assert evaluate(facts_profile(values), shipped).context_rating != "benign"


def test_item5_unknown_context_is_rated_unknown(shipped: CriteriaSet) -> None:
    # v2: an unstated law fact scored 0 and rated a Quebec project "difficult".
    card = evaluate(facts_profile({"conflict_exposure": "low"}), shipped)
    assert card.context_rating is not None and card.context_rating.startswith("unknown (")
    assert card.context_rating_range is not None


# --- item 6: the band reason ------------------------------------------------------------------


def test_item6_the_band_reason_names_every_binding_red_flag(shipped: CriteriaSet) -> None:
    # v2: "Weak: score 49.39 reaches the 45 that Weak requires" while two red flags capped it.
    card = evaluate(shipped_profile(shipped, "reko-diq"), shipped)
    binding = [f for f in card.flags if f.cap == card.band]
    assert binding
    for flag in binding:
        assert f"verified red flag {flag.criterion}" in card.band_reason


def test_item6_a_tied_cap_is_named_and_the_meaning_agrees(shipped: CriteriaSet) -> None:
    # The score alone would land in Weak and a red flag also caps at Weak: both are named.
    values = {
        **best_facts(shipped),
        "bribery_evidence": "allegations_unresolved",
    }
    card = evaluate(facts_profile(values, stage="production"), shipped)
    assert card.band == "weak"
    assert "verified red flag" in card.band_reason
    band = next(b for b in shipped.header.bands if b.id == "weak")
    assert card.band_meaning == band.capped_meaning
