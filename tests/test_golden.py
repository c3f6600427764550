"""Golden scorecards: one file per shipped profile. A criteria change that moves any score fails
here until `pytest --force-regen` rewrites the files and the diff is reviewed in the same PR."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from tests.conftest import PROJECTS

PROFILES = sorted(PROJECTS.glob("*.yaml"))


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_golden_scorecard(shipped: CriteriaSet, path: Path, data_regression) -> None:
    rel = path.relative_to(PROJECTS.parent)
    card = evaluate(load_profile(rel if rel.exists() else path, shipped), shipped, "2026-11-23")
    data = card.model_dump(mode="json")
    data["path"] = rel.as_posix()
    data["criteria_set"].pop("hash")  # the hash moves with any criteria text; scores are the point
    data_regression.check(data, basename=path.stem)
