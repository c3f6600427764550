"""Country files are evidence like profiles: `diff` and `history` read them at each ref, and
a move they cause is attributed to "country fact X (old → new, source)"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MINI
from tests.test_diff import copy_set, git, run

ALPHA = """\
project: {name: Alpha, country: Nowhere}
sources:
  rep-2025: {title: Annual report 2025, url: "https://example.org/2025"}
facts:
  flag: {value: true, source: rep-2025}
  share: 40
  n_a: true
"""
COUNTRY = """\
country: Nowhere
iso: nw
sources:
  registry: {{title: National registry {year}, url: "https://example.org/registry"}}
facts:
  level: {{value: {level}, source: registry}}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two commits: Alpha inherits `level: mid` from countries/nw.yaml; then only the country
    file changes (`level: high`, a newer registry)."""
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    (root / "countries").mkdir()
    (root / "projects" / "alpha.yaml").write_text(ALPHA)
    country = root / "countries" / "nw.yaml"
    country.write_text(COUNTRY.format(level="mid", year=2025))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "alpha")
    country.write_text(COUNTRY.format(level="high", year=2026))
    git(root, "commit", "-q", "-am", "Nowhere: level is high")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("args", [("HEAD~1", "HEAD"), ("--base", "HEAD~1")])
def test_a_country_file_change_moves_the_profiles_that_inherit_it(
    repo: Path, args: tuple[str, str]
) -> None:
    code, out, err = run(*args, "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert not data["empty"]
    (alpha,) = data["projects"]
    # Pillar a: c-bool (w2) met, c-levels (w1) 0.5 -> 1: (2 + 0.5)/3 -> 80.31, (2 + 1)/3 -> 92.81
    assert (alpha["old_score"], alpha["new_score"], alpha["delta"]) == (80.31, 92.81, 12.5)
    assert alpha["attribution"]["facts_share"] == 12.5
    (fact,) = alpha["facts"]
    assert (fact["id"], fact["kind"], fact["old"], fact["new"]) == (
        "level",
        "changed",
        "mid",
        "high",
    )
    assert fact["old_origin"] == fact["new_origin"] == "countries/nw.yaml"
    assert fact["new_sources"] == ["nw/registry: National registry 2026"]
    assert data["profiles_changed"] == 0  # the profile itself did not change
    (country,) = data["countries"]
    assert (country["file"], country["country"], country["projects"]) == (
        "countries/nw.yaml",
        "Nowhere",
        ["projects/alpha.yaml"],
    )


def test_every_format_names_the_country_fact(repo: Path) -> None:
    cause = (
        "country fact level (mid → high, countries/nw.yaml: nw/registry: National registry 2026)"
    )
    code, md, err = run("HEAD~1", "HEAD", "-f", "markdown")
    assert code == 0, err
    assert "No criteria changes" not in md
    assert "### Country file changes" in md
    assert "`countries/nw.yaml` (Nowhere): level mid → high (nw/registry: National registry " in md
    assert "country fact changes +12.50: " + cause in md
    assert "1 of 1 projects moves. 1 country file changed." in md
    code, table, err = run("HEAD~1", "HEAD", "-f", "table")
    assert code == 0, err
    flat = " ".join(table.split())
    assert "Country file changes:" in flat
    assert "country fact changes +12.50" in flat
    assert "country fact level (countries/nw.yaml)" in flat


def test_the_max_delta_gate_sees_a_country_change(repo: Path) -> None:
    code, _, err = run("--base", "HEAD~1", "--max-delta", "5", "--fail-on-fact-change")
    assert code == 1
    assert "moves +12.50, beyond --max-delta 5" in err
    assert "from fact changes (country fact level (countries/nw.yaml))" in err


def history(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from riskscore.commands.app import app

    result = CliRunner().invoke(app, ["history", *args], env={"RISKSCORE_TODAY": "2026-11-23"})
    return result.exit_code, result.stdout, result.stderr


def test_history_shows_inherited_facts_and_a_country_commit(repo: Path) -> None:
    code, out, err = history("projects/alpha.yaml", "-f", "json")
    assert code == 0, err
    first, second = json.loads(out)["steps"]  # the second commit touched only nw.yaml
    assert (first["country_file"], first["inherited"]) == ("countries/nw.yaml", {"level": "mid"})
    assert (second["subject"], second["inherited"]) == ("Nowhere: level is high", {"level": "high"})
    assert (first["score"], second["score"]) == (80.31, 92.81)
    assert second["change"]["attribution"]["facts_share"] == 12.5
    code, md, err = history("projects/alpha.yaml", "-f", "markdown")
    assert code == 0, err
    assert "alpha; inherits from countries/nw.yaml: level mid" in md
    assert "Nowhere: level is high; country fact level (countries/nw.yaml) mid → high" in md


def test_history_skips_a_country_commit_that_changes_nothing_for_the_profile(
    repo: Path,
) -> None:
    other = repo / "countries" / "xx.yaml"
    other.write_text(
        COUNTRY.format(level="low", year=2026)
        .replace("Nowhere", "Elsewhere")
        .replace("iso: nw", "iso: xx")
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Elsewhere")
    code, out, err = history("projects/alpha.yaml", "-f", "json")
    assert code == 0, err
    assert [s["subject"] for s in json.loads(out)["steps"]] == ["alpha", "Nowhere: level is high"]


def test_history_says_a_fact_moved_to_the_country_file(repo: Path) -> None:
    """A fact stated in the profile, then removed because the country file states the same
    value: not 'level mid → mid' but where the value now comes from."""
    profile = repo / "projects" / "alpha.yaml"
    (repo / "countries" / "nw.yaml").write_text(COUNTRY.format(level="mid", year=2025))
    profile.write_text(ALPHA + "  level: {value: mid, source: rep-2025}\n")
    git(repo, "commit", "-q", "-am", "alpha states level")
    profile.write_text(ALPHA)
    git(repo, "commit", "-q", "-am", "alpha: level comes from the country file")
    code, md, err = history("projects/alpha.yaml", "-f", "markdown")
    assert code == 0, err
    assert "mid → mid" not in md
    assert (
        "alpha: level comes from the country file; level now inherited from "
        "countries/nw.yaml (unchanged value)"
    ) in md
