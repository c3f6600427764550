"""assess() gives exactly the verdict evaluate()'s scorecard gives (score, band, verified red
flags, evidence state), for generated profiles at every stage and under every shipped lens,
and for every shipped profile. The roadmap ranks its candidates with assess() and keeps
evaluate() for the chosen one, so a disagreement would silently change its steps. Every
scorecard leads its improvements with the roadmap's first step found the short way
(first_step_criterion), which must name the criterion build_roadmap's first step does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskscore.analysis.constraints import binding_constraints
from riskscore.analysis.pipeline import load_profiles
from riskscore.analysis.roadmap import _candidates, build_roadmap, first_step_criterion
from riskscore.analysis.sure_gain import surely_useful
from riskscore.analysis.whatif import printed_delta, with_facts
from riskscore.engine.assess import assess
from riskscore.engine.evaluate import evaluate
from riskscore.load.profile import build_profile
from riskscore.load.yaml_reader import Document
from tests.test_evidence_properties import LENSES, STAGES
from tests.test_properties import CSET, TODAY, profiles

ROOT = Path(__file__).resolve().parent.parent


def _generated(facts: dict[str, Any], stage: str | None, lens: str | None) -> tuple[Any, Any]:
    """(a generated profile stating `facts` at `stage`, the shipped set under `lens`)."""
    cset = CSET.with_lens(lens)
    project: dict[str, Any] = {"name": "Generated", "country": "Nowhere"}
    if stage is not None:
        project["stage"] = stage
    return build_profile(Document("gen.yaml", {"project": project, "facts": facts}), cset), cset


def _same_first_step(profile: Any, cset: Any) -> None:
    card = evaluate(profile, cset, TODAY)
    steps = build_roadmap(profile, cset, TODAY, max_steps=1).steps
    expected = steps[0].criterion if steps else None
    assert first_step_criterion(card, profile, cset, TODAY) == expected


def _same_verdict(profile: Any, cset: Any) -> None:
    card = evaluate(profile, cset, TODAY)
    verdict = assess(profile, cset)
    assert verdict.score == card.score
    assert verdict.band == card.band
    assert verdict.flags == {f.criterion for f in card.flags}
    assert verdict.evidence_sufficient() == card.evidence_sufficient


@settings(max_examples=80, deadline=None)
@given(profiles(CSET), st.sampled_from([None, *STAGES]), st.sampled_from(LENSES))
def test_assess_and_the_first_step_agree_with_evaluate_and_the_roadmap(
    facts: dict[str, Any], stage: str | None, lens: str | None
) -> None:
    profile, cset = _generated(facts, stage, lens)
    _same_verdict(profile, cset)
    _same_first_step(profile, cset)


@pytest.mark.parametrize("path", sorted((ROOT / "projects").glob("*.yaml")), ids=lambda p: p.stem)
def test_assess_and_the_first_step_agree_on_shipped_profiles(path: Path) -> None:
    (profile,) = load_profiles([path], CSET)
    _same_verdict(profile, CSET)
    _same_first_step(profile, CSET)


def _first_improvement_that_gains(profile: Any, cset: Any) -> str | None:
    """The oracle of the first step's rule without a binding constraint, from full scorecards:
    the first of evaluate's improvements with a candidate step whose scorecard gains points or
    clears a red flag (None when none has one)."""
    card = evaluate(profile, cset, TODAY)
    flags = {f.criterion for f in card.flags}
    candidates = list(_candidates(card, profile, cset))
    for improvement in card.improvements:
        for crit_id, fact_id, value in candidates:
            if crit_id != improvement.criterion:
                continue
            after = evaluate(with_facts(profile, {fact_id: value}), cset, TODAY)
            if printed_delta(after.score, card.score) > 0 or flags - {
                f.criterion for f in after.flags
            }:
                return improvement.criterion
    return None


def _starts_at_the_first_improvement_that_gains(profile: Any, cset: Any) -> None:
    card = evaluate(profile, cset, TODAY)
    if binding_constraints(card, cset, profile):
        return  # the first step addresses the constraint (tests/test_roadmap.py)
    expected = _first_improvement_that_gains(profile, cset)
    steps = build_roadmap(profile, cset, TODAY, max_steps=1).steps
    if expected is not None:
        assert steps and steps[0].criterion == expected


@settings(max_examples=40, deadline=None)
@given(profiles(CSET), st.sampled_from([None, *STAGES]), st.sampled_from(LENSES))
def test_the_first_step_is_the_first_improvement_that_gains(
    facts: dict[str, Any], stage: str | None, lens: str | None
) -> None:
    """Without a binding constraint the roadmap starts at the first of evaluate's own
    improvements that one step can move (issue 19, P8), not at a criterion evaluate does not
    list: with an improvement whose candidates gain nothing first (FPIC while
    `indigenous_peoples_affected` is unknown), the next one leads."""
    profile, cset = _generated(facts, stage, lens)
    _starts_at_the_first_improvement_that_gains(profile, cset)


def test_oyu_tolgoi_starts_at_its_second_improvement() -> None:
    """Oyu Tolgoi's first improvement (FPIC, with `indigenous_peoples_affected` unknown) has no
    step that gains, so its roadmap starts at the second, in-country processing; before, it
    ranked every candidate and started at a criterion evaluate did not list first."""
    (profile,) = load_profiles([ROOT / "projects" / "oyu-tolgoi.yaml"], CSET)
    card = evaluate(profile, CSET, TODAY)
    listed = [i.criterion for i in card.improvements]
    assert listed[:2] == ["free-prior-informed-consent", "in-country-processing"]
    assert _first_improvement_that_gains(profile, CSET) == "in-country-processing"
    _starts_at_the_first_improvement_that_gains(profile, CSET)
    assert first_step_criterion(card, profile, CSET, TODAY) == "in-country-processing"


def _sure_answers_match_judgements(profile: Any, cset: Any) -> tuple[int, int]:
    """Every candidate step surely_useful() decides is decided as full scorecards decide it
    (the printed score rises, or a red flag clears); returns (sure True, sure False) counts."""
    card = evaluate(profile, cset, TODAY)
    flags = {f.criterion for f in card.flags}
    decided = [0, 0]
    for crit_id, fact_id, value in _candidates(card, profile, cset):
        sure = surely_useful(card, profile, cset, crit_id, fact_id, value)
        if sure is None:
            continue
        after = evaluate(with_facts(profile, {fact_id: value}), cset, TODAY)
        useful = printed_delta(after.score, card.score) > 0 or bool(
            flags - {f.criterion for f in after.flags}
        )
        assert sure == useful, (crit_id, fact_id, value)
        decided[0 if sure else 1] += 1
    return decided[0], decided[1]


@settings(max_examples=30, deadline=None)
@given(profiles(CSET), st.sampled_from([None, *STAGES]), st.sampled_from(LENSES))
def test_sure_gains_never_contradict_a_judgement(
    facts: dict[str, Any], stage: str | None, lens: str | None
) -> None:
    """analysis.sure_gain decides some candidate steps from the aggregation rule alone; each
    answer it gives is the one a full scorecard of the changed profile gives."""
    profile, cset = _generated(facts, stage, lens)
    _sure_answers_match_judgements(profile, cset)


def test_sure_gains_on_shipped_profiles() -> None:
    """On the shipped profiles the shortcut decides candidates both ways, each as a full
    scorecard does (so the property above is not vacuous)."""
    sure_true = sure_false = 0
    for path in sorted((ROOT / "projects").glob("*.yaml")):
        (profile,) = load_profiles([path], CSET)
        yes, no = _sure_answers_match_judgements(profile, CSET)
        sure_true, sure_false = sure_true + yes, sure_false + no
    assert sure_true > 0 and sure_false > 0


def _with_policy(cset: Any, stale: str) -> Any:
    """`cset` with its `evidence.stale` policy replaced (keep: a stale fact still counts;
    unknown: it is judged as unstated)."""
    head = cset.header
    evidence = head.evidence.model_copy(update={"stale": stale})
    return dataclasses.replace(cset, header=head.model_copy(update={"evidence": evidence}))


@settings(max_examples=25, deadline=None)
@given(
    profiles(CSET),
    st.lists(st.integers(2012, 2026), min_size=60, max_size=60),
    st.sampled_from(["keep", "unknown"]),
    st.sampled_from(LENSES),
)
def test_sure_gains_hold_with_dated_and_stale_facts(
    facts: dict[str, Any], years: list[int], stale: str, lens: str | None
) -> None:
    """The same property with dated facts and an `as_of`, so some facts are stale (and, under
    `stale: unknown`, judged as unstated) and some windowed red flags have lapsed: the paths by
    which a change could move a fact the shortcut does not look at."""
    cset = _with_policy(CSET.with_lens(lens), stale)
    dated = {
        fact_id: {"value": entry["value"] if isinstance(entry, dict) else entry, "date": f"{year}"}
        for (fact_id, entry), year in zip(facts.items(), years, strict=False)
    }
    doc = {"project": {"name": "Generated", "country": "Nowhere"}, "as_of": "2026-06-01"}
    doc["facts"] = dated
    profile = build_profile(Document("gen.yaml", doc), cset)
    _sure_answers_match_judgements(profile, cset)
