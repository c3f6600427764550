"""Sets that extend sets: tests/data/mini-overlay extends the mini set, mini-overlay2 extends it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.engine.evaluate import evaluate
from riskscore.errors import RiskscoreError
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import build_profile
from riskscore.load.yaml_reader import parse_yaml
from tests.conftest import DATA, MINI, ROOT, mini_profile

OVERLAY = DATA / "mini-overlay"
OVERLAY2 = DATA / "mini-overlay2"
runner = CliRunner()


def test_an_overlay_adds_reweights_and_rewords_what_it_names() -> None:
    cset = load_criteria(OVERLAY)
    head = cset.header
    assert cset.chain == ("mini", "mini-overlay")
    assert head.name == "mini-overlay" and head.version == "0.2.0"
    assert [(p.id, p.weight) for p in head.pillars] == [("a", 1), ("b", 1), ("c", 2)]
    assert cset.facts["level"].values == ["low", "mid", "high", "top"]
    assert cset.facts["level"].value_descriptions == {"top": "Above high."}
    assert cset.facts["extra"].type == "boolean"
    by_id = {c.id: c for c in cset.criteria}
    assert sorted(by_id) == ["c-bool", "c-extra", "c-levels", "c-linear", "c-na", "c-weighted"]
    assert by_id["c-bool"].remediation == "Improve it, the overlay's way."
    assert [s.kind for s in by_id["c-bool"].sources] == ["seed", "standard", "other"]
    assert by_id["c-na"].gate is None
    assert by_id["c-na"].not_applicable_when is not None  # untouched fields stay
    assert by_id["c-linear"].title == "Linear criterion, replaced by the overlay"
    assert cset.origins == {
        "c-bool": "mini; remediation, sources from mini-overlay",
        "c-extra": "mini-overlay",
        "c-levels": "mini; rule from mini-overlay",
        "c-linear": "mini-overlay",
        "c-na": "mini; gate from mini-overlay",
        "c-weighted": "mini",
    }
    assert cset.fact_origins["level"] == "mini; value_descriptions, values from mini-overlay"
    assert cset.fact_origins["extra"] == "mini-overlay"
    assert cset.fact_origins["flag"] == "mini"
    assert cset.locations["c-extra"].endswith("mini-overlay/c-extra.yaml")
    assert cset.locations["c-weighted"].endswith("mini/c-weighted.yaml")
    assert set(cset.lenses) == {"b-heavy"}  # inherited from the base


def test_the_resolved_set_scores_by_hand() -> None:
    """a: c-bool 1 (w2), c-levels top 1 (w1) → 1. b: c-linear 50/100 = 0.5 (w1), c-na severe
    0 (w2), c-weighted (1·1 + 3·0.5)/4 = 0.625 (w1) → 1.125/4 = 0.28125. c: c-extra 1.
    Overall (1·1 + 1·0.28125 + 2·1)/4 = 0.8203125 → 82.03 points; pillar b is below the
    `good` band's pillar minimum of 50, so the band is weak. The base's gate on c-na is gone."""
    cset = load_criteria(OVERLAY)
    facts = "flag: true\nlevel: top\nshare: 50\nrisk: severe\nextra: true"
    profile = build_profile(parse_yaml(mini_profile(facts), "p.yaml"), cset)
    card = evaluate(profile, cset)
    assert card.score == pytest.approx(82.03, abs=0.006)
    assert card.band == "weak"
    assert not card.flags
    pillars = {p.id: p.score for p in card.pillars}
    assert pillars["b"] == pytest.approx(28.125, abs=0.006)


def test_a_chain_of_three_sets_replaces_bands_and_records_each_change() -> None:
    cset = load_criteria(OVERLAY2)
    assert cset.chain == ("mini", "mini-overlay", "mini-overlay2")
    assert [b.min for b in cset.header.bands] == [80, 40, 0]
    assert cset.criterion("c-extra").weight == 3
    assert cset.origins["c-extra"] == "mini-overlay; weight from mini-overlay2"
    assert cset.origins["c-bool"] == "mini; remediation, sources from mini-overlay"


def test_the_hash_covers_every_file_of_the_chain(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    shutil.copytree(OVERLAY, tmp_path / "mini-overlay")
    before = load_criteria(tmp_path / "mini-overlay").hash
    assert before != load_criteria(tmp_path / "mini").hash
    base_file = tmp_path / "mini" / "c-weighted.yaml"
    base_file.write_text(base_file.read_text().replace("Improve it.", "Improve it now."))
    assert load_criteria(tmp_path / "mini-overlay").hash != before
    assert load_criteria(MINI).hash == load_criteria(MINI).hash  # stable for a lone set


def _overlay(tmp_path: Path, text: str) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    folder = tmp_path / "o"
    folder.mkdir()
    head = "name: o\ntitle: O\nversion: 1.0.0\ndescription: D.\n"
    (folder / "set.yaml").write_text(head + text, encoding="utf-8")
    return folder


def _errors(folder: Path) -> str:
    with pytest.raises(RiskscoreError) as info:
        load_criteria(folder)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extends: ../mini\ncriteria:\n  c-bol: {weight: 2}\n", "set.yaml:7: criteria.c-bol: "),
        ("extends: ../mini\ncriteria:\n  c-bol: {weight: 2}\n", "did you mean 'c-bool'"),
        ("extends: ../mini\nfacts:\n  - {id: level, values: [top]}\n", "c-levels.yaml"),
        ("extends: ../mini\nfacts:\n  - {id: level, values: [top]}\n", "missing ['top']"),
        ("extends: ../mini\nfacts:\n  - {id: level, type: number}\n", "cannot change a fact"),
        ("extends: ../mini\npillars:\n  - {id: z, weight: 2}\n", "pillar 'z': title:"),
        ("extends: ../nowhere\n", "set.yaml:5: extends: no set.yaml at '../nowhere'"),
        ("extends: no-such-set\n", "extends: no shipped set 'no-such-set'"),
        ("extends: ../o\n", "the chain of sets loops"),
        ("extends: ../mini\ncriteria:\n  c-na: {pillar: q}\n", "criteria.c-na.pillar: unknown"),
    ],
)
def test_overlay_mistakes_are_path_line_messages(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _errors(_overlay(tmp_path, text))


def test_a_shipped_set_is_found_by_name(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, "extends: pakistan-critical-minerals\n")
    cset = load_criteria(folder)
    assert cset.chain == ("critical-minerals-base", "pakistan-critical-minerals", "o")
    assert len(cset.criteria) >= 30


def test_cli_shows_the_chain_and_each_origin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-c", str(OVERLAY)])
    assert result.exit_code == 0, result.stderr
    assert "mini-overlay 0.2.0 resolved from mini → mini-overlay (" in result.stdout  # no comma
    result = runner.invoke(app, ["criteria", "-c", str(OVERLAY), "-f", "json"])
    data = json.loads(result.stdout)
    assert data["extends"] == ["mini"]
    origins = {c["id"]: c["origin"] for c in data["criteria"]}
    assert origins["c-na"] == "mini; gate from mini-overlay"
    result = runner.invoke(app, ["explain", "c-bool", "-c", str(OVERLAY), "-f", "markdown"])
    assert "- Comes from: mini; remediation, sources from mini-overlay" in result.stdout
    result = runner.invoke(app, ["criteria", "-c", str(OVERLAY), "-f", "markdown"])
    assert "It extends `mini`" in result.stdout
    assert "- `extra` (`true` or `false`) (from mini-overlay):" in result.stdout
    result = runner.invoke(app, ["diff", str(MINI), str(OVERLAY), "-f", "markdown"])
    assert "- criterion `c-extra` added (from mini-overlay)" in result.stdout
    assert "- criterion `c-na` changed (from mini; gate from mini-overlay): gate changed" in (
        result.stdout
    )


def test_an_overlay_keeps_the_base_method_settings_it_does_not_name(tmp_path: Path) -> None:
    """The shipped set's rounding, evidence rule, context, critical floors and uncertainty
    survive an overlay that names none of them."""
    shipped = load_criteria(ROOT / "criteria").header
    head = load_criteria(_overlay(tmp_path, "extends: pakistan-critical-minerals\n")).header
    assert shipped.context is not None and shipped.critical and shipped.evidence.min_coverage
    for key in ("unknown", "rounding", "evidence", "context", "critical", "uncertainty", "bands"):
        assert getattr(head, key) == getattr(shipped, key), key


def test_an_overlay_replaces_method_settings_and_criterion_policy(tmp_path: Path) -> None:
    folder = _overlay(
        tmp_path,
        "extends: ../mini\n"
        "evidence: {min_coverage: 80}\n"
        "criteria:\n"
        "  c-bool: {unknown: {policy: score, score: 0}, stages: [production]}\n",
    )
    cset = load_criteria(folder)
    assert cset.header.evidence.min_coverage == 80
    assert cset.header.rounding == load_criteria(MINI).header.rounding
    crit = next(c for c in cset.criteria if c.id == "c-bool")
    assert crit.unknown is not None and crit.unknown.policy == "score"
    assert crit.stages == ["production"]
    assert cset.origins["c-bool"] == "mini; stages, unknown from o"


def test_an_overlay_cannot_bring_back_the_exclude_policy(tmp_path: Path) -> None:
    folder = _overlay(
        tmp_path, "extends: ../mini\ncriteria:\n  c-bool: {unknown: {policy: exclude}}\n"
    )
    with pytest.raises(RiskscoreError, match="`exclude` unknown policy was removed"):
        load_criteria(folder)
