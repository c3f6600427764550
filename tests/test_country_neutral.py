"""The shipped criteria are a country-neutral base set (criteria/base/) and a Pakistan overlay
(criteria/set.yaml): no base text names Pakistan, and a project elsewhere is never given
Pakistan-specific advice, while a Pakistani project is."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.engine.evaluate import evaluate, remediation_for
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import load_profile
from tests.conftest import PROJECTS, ROOT

BASE = ROOT / "criteria" / "base"
PAKISTAN = re.compile(
    r"pakistan|balochistan|baluchistan|khyber|pakhtunkhwa|punjab|sindh|gilgit|urdu|islamabad|"
    r"quetta|chagai|reko diq|saindak|barrick|tethyan|\bfwo\b|\bsifc\b|\bpmdc\b|18th amendment|"
    r"eighteenth amendment",
    re.IGNORECASE,
)
runner = CliRunner()


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a parsed YAML or JSON tree, with the key path that leads to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


@pytest.mark.parametrize("path", sorted(BASE.rglob("*.yaml")), ids=lambda p: p.name)
def test_no_base_text_names_pakistan(path: Path) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    named = [(where, text) for where, text in _strings(data) if PAKISTAN.search(text)]
    assert named == []


def test_the_base_set_validates_alone_and_the_overlay_changes_no_score(
    shipped: CriteriaSet,
) -> None:
    base = load_criteria(BASE)
    assert base.chain == ("critical-minerals-base",)
    assert shipped.chain == ("critical-minerals-base", "pakistan-critical-minerals")
    assert len(base.criteria) == len(shipped.criteria) >= 38
    for path in sorted(PROJECTS.glob("*.yaml")):
        under_base = evaluate(load_profile(path, base), base, "2026-11-23")
        under_overlay = evaluate(load_profile(path, shipped), shipped, "2026-11-23")
        assert (under_base.score, under_base.band) == (under_overlay.score, under_overlay.band)


def _advice_free(card: dict[str, Any]) -> list[tuple[str, str]]:
    """Strings of a JSON scorecard that name Pakistan, citations of sources left out (a
    criterion may cite a seed article about Pakistan; that is where it comes from, not advice)."""
    return [
        (where, text)
        for where, text in _strings(card)
        if PAKISTAN.search(text) and ".sources" not in where and ".criteria_set" not in where
    ]


CANADA = """\
project: {name: A Canadian mine (test fixture), country: Canada, stage: production}
facts:
  eiti_status: supporter_with_legal_payment_reporting
  contract_published: not_published
"""


@pytest.mark.parametrize("name", ["oyu-tolgoi.yaml", "kansanshi.yaml", "canada"])
def test_a_project_outside_pakistan_gets_no_pakistan_advice(tmp_path: Path, name: str) -> None:
    path = PROJECTS / name
    if name == "canada":
        path = tmp_path / "canada.yaml"
        path.write_text(CANADA, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(path), "--format", "json", "--full"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["scorecards"][0]["improvements"], "a scorecard with nothing to advise"
    assert _advice_free(card["scorecards"][0]) == []
    table = runner.invoke(app, ["evaluate", str(path), "--full"], env={"COLUMNS": "120"})
    assert PAKISTAN.findall(table.stdout.replace("pakistan-critical-minerals", "")) == []


def test_a_pakistani_project_gets_the_overlays_advice(shipped: CriteriaSet) -> None:
    card = evaluate(load_profile(PROJECTS / "reko-diq.yaml", shipped), shipped, "2026-11-23")
    advised = [c for c in card.criteria if c.remediation and PAKISTAN.search(c.remediation)]
    assert advised, "no Pakistan advice on the Reko Diq scorecard"
    for result in advised:
        crit = shipped.criterion(result.id)
        advice = crit.country_advice["pk"].strip()
        assert result.remediation == f"{crit.remediation.strip()} {advice}"
        assert PAKISTAN.search(crit.remediation) is None  # the neutral part stays neutral


def test_remediation_for_adds_only_the_profiles_countrys_advice(shipped: CriteriaSet) -> None:
    crit = shipped.criterion("in-country-processing")
    neutral = crit.remediation.strip()
    assert remediation_for(crit, None) == neutral
    assert remediation_for(crit, "mn") == neutral
    assert remediation_for(crit, "pk").startswith(neutral + " ")
    assert "Pakistan" in remediation_for(crit, "pk")
