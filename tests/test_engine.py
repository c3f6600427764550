"""Hand-computed scores on the mini set: every rule type, unknowns, N/A, bands, gates, lenses."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import build_profile
from riskscore.load.profile_models import Profile
from riskscore.load.yaml_reader import parse_yaml
from tests.conftest import mini_profile


def profile(cset: CriteriaSet, facts: str = "") -> Profile:
    return build_profile(parse_yaml(mini_profile(facts), "p.yaml"), cset)


def by_id(card: Scorecard) -> dict:
    return {c.id: c for c in card.criteria}


def test_every_rule_type_scores_as_computed_by_hand(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "flag: true\nlevel: mid\nshare: 40\nn_a: true"), mini)
    crit = by_id(card)
    # Pillar A (weight 3/4): c-bool 1 (w2), c-levels 0.5 (w1) -> 2.5/3 = 83.33
    # Pillar B (weight 1/4): c-linear 40/50 = 0.8, c-weighted (1*1 + 3*0.5)/4 = 0.625,
    #                        c-na not applicable -> (0.8 + 0.625)/2 = 71.25
    # Overall: 0.75*83.333 + 0.25*71.25 = 80.3125
    assert crit["c-bool"].score == 1 and crit["c-bool"].status == "met"
    assert crit["c-levels"].score == 0.5 and crit["c-levels"].status == "partial"
    assert crit["c-linear"].score == pytest.approx(0.8)
    assert crit["c-weighted"].score == pytest.approx(0.625)
    assert crit["c-na"].status == "not_applicable" and crit["c-na"].max_points == 0
    assert [p.score for p in card.pillars] == [83.33, 71.25]
    assert card.score == 80.31
    assert card.band == "good"
    assert crit["c-bool"].max_points == 50 and crit["c-levels"].points == 12.5
    # c-weighted: 0.625 x 12.5 = 7.8125 exactly, printed half-up to two decimals: 7.81
    assert crit["c-linear"].points == 10 and crit["c-weighted"].points == 7.81
    assert card.coverage == 100.0


def test_score_is_the_sum_of_points_and_pillars_recompute(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "flag: false\nlevel: high\nshare: 75\nrisk: some"), mini)
    assert card.score == pytest.approx(sum(c.points for c in card.criteria), abs=0.01)
    assert card.score == pytest.approx(
        sum(p.share * p.score for p in card.pillars if p.score is not None), abs=0.01
    )
    for pillar in card.pillars:
        crits = [c for c in card.criteria if c.pillar == pillar.id and c.max_points > 0]
        weight = sum(c.weight for c in crits)
        assert pillar.score == pytest.approx(
            100 * sum(c.weight * c.score for c in crits) / weight, abs=0.01
        )


def test_unknown_facts_score_zero_and_lower_coverage(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "level: high\nrisk: severe\nn_a: false"), mini)
    crit = by_id(card)
    assert crit["c-bool"].status == "unknown" and crit["c-bool"].points == 0
    assert "flag not stated" in crit["c-bool"].explanation
    # Pillar A: (0*2 + 1*1)/3 = 33.33; pillar B: all zero -> overall 25.0
    assert card.score == 25.0
    # Coverage: c-levels 0.25 + c-na 0.125 of the nominal weight
    assert card.coverage == 37.5
    assert card.band == "failing"


def test_a_set_declaring_the_removed_exclude_policy_is_an_error(tmp_path: Path) -> None:
    """Method v3 removed `exclude` (issue 19 item 2): the set gets a `path:line:` error."""
    import shutil

    from riskscore.errors import RiskscoreError
    from riskscore.load.criteria.loader import load_criteria
    from tests.conftest import DATA

    folder = tmp_path / "mini"
    shutil.copytree(DATA / "mini", folder)
    set_file = folder / "set.yaml"
    set_file.write_text(
        set_file.read_text(encoding="utf-8").replace("policy: score", "policy: exclude"),
        encoding="utf-8",
    )
    with pytest.raises(RiskscoreError) as info:
        load_criteria(folder, cache=False)
    text = str(info.value)
    assert f"{set_file}:6:" in text and "`exclude` unknown policy was removed" in text


def test_gate_caps_the_band_whatever_the_score(mini: CriteriaSet) -> None:
    card = evaluate(
        profile(mini, "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe"), mini
    )
    # A 100, B (1 + 1 + 0*2)/4 = 50 -> 87.5, good on score, capped to weak by the red flag
    assert card.score == 87.5
    assert card.band_before_caps == "good"
    assert card.band == "weak"
    assert [f.criterion for f in card.flags] == ["c-na"]
    assert "risk = severe" in card.flags[0].evidence


def test_gate_on_unknown_fact_is_reported_unverified(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "flag: true"), mini)
    assert card.flags == []
    assert [f.criterion for f in card.unverified_flags] == ["c-na"]


def test_band_needs_every_pillar_at_its_minimum(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "flag: true\nlevel: high\nshare: 0\nn_a: true"), mini)
    # A 100, B (0 + 0.25)/2 = 12.5 -> 78.125 >= 75, but pillar B < 50 -> weak
    assert card.score == 78.13  # exactly 78.125, rounded half-up (the set's rounding rule)
    assert card.band == "weak"
    assert "Pillar B 12.5" in card.band_notes[0]


def test_lens_reweights_pillars(mini: CriteriaSet) -> None:
    facts = "flag: true\nlevel: high\nshare: 0\nn_a: true"
    base = evaluate(profile(mini, facts), mini)
    lensed_set = mini.with_lens("b-heavy")
    lensed = evaluate(profile(lensed_set, facts), lensed_set)
    # b-heavy: A 3, B 3 -> (100 + 12.5)/2
    assert lensed.score == 56.25 < base.score
    assert lensed.criteria_set.lens == "b-heavy"


def test_improvements_are_largest_gains_first(mini: CriteriaSet) -> None:
    card = evaluate(profile(mini, "level: low\nshare: 10\nn_a: true"), mini)
    gains = [(i.criterion, i.gain) for i in card.improvements]
    # c-bool 50 pts missing, c-levels 25, then c-weighted 12.5 (c-linear 10.0) -> c-weighted
    assert gains[0] == ("c-bool", 50.0)
    assert gains[1] == ("c-levels", 25.0)
    assert gains[2][0] == "c-weighted"


def test_evaluate_is_deterministic(mini: CriteriaSet) -> None:
    p = profile(mini, "flag: true\nlevel: mid\nshare: 33.3")
    assert evaluate(p, mini).model_dump_json() == evaluate(p, mini).model_dump_json()
