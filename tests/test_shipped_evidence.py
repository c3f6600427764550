"""The shipped evidence meets its own bar (issue 20): `validate --strict --require-quotes` passes
on projects/ and countries/ (so CI, which runs this suite, checks it on every change), and a
country fact without a quoted passage fails it at the country file's line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.engine.evidence import stale_facts
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_shipped_profiles_and_country_files_pass_strict_validation_with_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        app, ["validate", "--strict", "--require-quotes", "projects/", "countries/"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_a_country_fact_without_a_quote_fails_at_the_country_files_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "criteria", tmp_path / "criteria")
    shutil.copytree(ROOT / "countries", tmp_path / "countries")
    zm = tmp_path / "countries" / "zm.yaml"
    data = yaml.safe_load(zm.read_text(encoding="utf-8"))
    fact = data["facts"]["eiti_status"]
    fact["source"] = [c["ref"] if isinstance(c, dict) else c for c in fact["source"]]
    fact.pop("assumption", None)
    zm.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--require-quotes", "countries/zm.yaml"])
    assert result.exit_code == 1, result.output
    assert "countries/zm.yaml:" in result.stderr
    assert "fact eiti_status: no quoted passage supports it" in result.stderr


def test_a_country_fact_outside_the_vocabulary_is_an_error_not_silently_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "criteria", tmp_path / "criteria")
    shutil.copytree(ROOT / "countries", tmp_path / "countries")
    mn = tmp_path / "countries" / "mn.yaml"
    text = mn.read_text(encoding="utf-8").replace("  eiti_status:", "  eiti_statuss:", 1)
    mn.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "countries/"])
    assert result.exit_code == 2, result.output
    assert "countries/mn.yaml:" in result.stderr
    assert "'eiti_statuss' is not a fact of the criteria set's vocabulary" in result.stderr


@pytest.mark.parametrize(
    ("value", "stale"),
    [("allegations_unresolved", False), ("none_reported", True)],
)
def test_an_allegations_date_is_governed_by_the_gate_window_not_staleness(
    write: Callable[[str, str], Path], shipped: CriteriaSet, value: str, stale: bool
) -> None:
    # Dated 30 months before as_of: past the fact's 24-month staleness, inside the
    # allegations gate's 60-month window. A search that found nothing ages (stale); an
    # allegation's date is the evidence's date, which the gate's window governs.
    path = write(
        "p.yaml",
        f"""
        project: {{name: P, country: Zambia, stage: production}}
        as_of: 2026-02-15
        sources:
          s: {{title: A search, kind: search, date: 2023-08-15, note: searched news and courts}}
        facts:
          serious_abuse_evidence: {{value: {value}, source: s, date: 2023-08-15}}
        """,
    )
    profile = load_profile(path, shipped)
    assert ("serious_abuse_evidence" in stale_facts(profile, shipped)) is stale
