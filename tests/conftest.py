"""Shared fixtures: the shipped criteria set, the hand-computable mini set, profile writers."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria

# No per-example deadline: CI runs three suites on two cores at once, and a slow example there is
# load, not a bug. Tests that want fewer examples still say so with their own @settings.
settings.register_profile("riskscore", deadline=None)
settings.load_profile("riskscore")

# The compiled-criteria cache (riskscore/load/criteria/cache.py) stays on, as for users, but in a
# folder of this test session's own: never the user's ~/.cache, never shared between suites.
_CACHE = tempfile.mkdtemp(prefix="riskscore-test-cache-")
os.environ["RISKSCORE_CACHE_DIR"] = _CACHE
os.environ.pop("RISKSCORE_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
SHIPPED = ROOT / "criteria"
PROJECTS = ROOT / "projects"


@pytest.fixture(scope="session")
def mini() -> CriteriaSet:
    return load_criteria(MINI)


@pytest.fixture(scope="session")
def shipped() -> CriteriaSet:
    return load_criteria(SHIPPED)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented text to tmp_path/name and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def mini_profile(facts: str = "") -> str:
    """A profile for the mini set with the given facts block (YAML, indented 2)."""
    body = textwrap.indent(textwrap.dedent(facts).strip("\n"), "  ") if facts.strip() else ""
    return (
        f"project:\n  name: Test\n  country: Nowhere\nfacts:\n{body or '  {}'}\n"
        if body
        else "project:\n  name: Test\n  country: Nowhere\n"
    )


# Condition facts set so that every criterion applies (a fixture profile with every part live).
APPLYING = {
    "indigenous_peoples_affected": True,
    "involuntary_resettlement": True,
    "tailings_facility": True,
    "subnational_mineral_authority": True,
}


def best_facts(cset: CriteriaSet) -> dict[str, Any]:
    """Every fact a criterion scores at its best value (numbers at their maximum), and the
    condition facts that make every criterion apply: the best stated profile of a set."""
    from riskscore.engine.order import best_value

    out: dict[str, Any] = {}
    for fact in cset.header.facts:
        if fact.type == "number":
            out[fact.id] = fact.max
            continue
        best = best_value(cset, fact.id)
        if best is not None:
            out[fact.id] = best
    out.update({k: v for k, v in APPLYING.items() if k in cset.facts})
    return out


def facts_profile(values: dict[str, Any], stage: str | None = None) -> Any:
    """A Profile stating `values` (each cited to a fixture source), at `stage`."""
    from riskscore.load.profile_models import Profile, ProjectInfo, StatedFact

    info = ProjectInfo.model_validate({"name": "Fixture", "country": "Nowhere", "stage": stage})
    facts = {k: StatedFact(id=k, value=v, sources=("fixture",)) for k, v in values.items()}
    return Profile("fixture.yaml", info, "2026-01-01", {}, facts)
