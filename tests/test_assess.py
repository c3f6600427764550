"""assess() gives exactly the verdict evaluate()'s scorecard gives (score, band, verified red
flags, evidence state), for generated profiles at every stage and under every shipped lens,
and for every shipped profile. The roadmap ranks its candidates with assess() and keeps
evaluate() for the chosen one, so a disagreement would silently change its steps. Every
scorecard leads its improvements with the roadmap's first step found the short way
(first_step_criterion), which must name the criterion build_roadmap's first step does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskscore.analysis.pipeline import load_profiles
from riskscore.analysis.roadmap import build_roadmap, first_step_criterion
from riskscore.engine.assess import assess
from riskscore.engine.evaluate import evaluate
from riskscore.load.profile import build_profile
from riskscore.load.yaml_reader import Document
from tests.test_evidence_properties import LENSES, STAGES
from tests.test_properties import CSET, TODAY, profiles

ROOT = Path(__file__).resolve().parent.parent


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
    cset = CSET.with_lens(lens)
    project: dict[str, Any] = {"name": "Generated", "country": "Nowhere"}
    if stage is not None:
        project["stage"] = stage
    profile = build_profile(Document("gen.yaml", {"project": project, "facts": facts}), cset)
    _same_verdict(profile, cset)
    _same_first_step(profile, cset)


@pytest.mark.parametrize("path", sorted((ROOT / "projects").glob("*.yaml")), ids=lambda p: p.stem)
def test_assess_and_the_first_step_agree_on_shipped_profiles(path: Path) -> None:
    (profile,) = load_profiles([path], CSET)
    _same_verdict(profile, CSET)
    _same_first_step(profile, CSET)
