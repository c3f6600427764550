"""`riskscore history`: every committed version of a profile, scored, with what changed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import app
from tests.conftest import MINI, ROOT
from tests.test_diff import bump_weight, copy_set, git
from tests.test_diff_changes import ALPHA

TODAY = "2026-11-23"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["history", *args], env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commits: alpha (level mid); c-levels weight 1 -> 3; alpha renamed, level high."""
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    (root / "projects" / "alpha.yaml").write_text(ALPHA.format(level="mid", source="rep-2025"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "alpha")
    bump_weight(root / "criteria", "c-levels")
    git(root, "commit", "-q", "-am", "c-levels weighs 3")
    git(root, "mv", "projects/alpha.yaml", "projects/alpha-mine.yaml")
    (root / "projects" / "alpha-mine.yaml").write_text(
        ALPHA.format(level="high", source="rep-2026")
    )
    git(root, "commit", "-q", "-am", "alpha: renamed; level high (2026 report)")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    return root


def test_today_s_criteria_on_every_version(repo: Path) -> None:
    code, out, err = run("projects/alpha-mine.yaml", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["project"], data["criteria"]) == ("Alpha", "today's criteria")
    first, second = data["steps"]  # the weight commit did not touch the profile
    assert (first["path"], second["path"]) == ("projects/alpha.yaml", "projects/alpha-mine.yaml")
    assert (first["subject"], second["subject"]) == (
        "alpha",
        "alpha: renamed; level high (2026 report)",
    )
    # c-levels weighs 3 today: pillar a (2·1 + 3·0.5)/5 = 70 -> 70.31; then (2 + 3)/5 -> 92.81
    assert (first["score"], second["score"]) == (70.31, 92.81)
    # Every fact is stated (risk is not applicable with n_a), so each range is one point.
    assert (first["score_range"], second["score_range"]) == ([70.31, 70.31], [92.81, 92.81])
    change = second["change"]
    assert change["delta"] == 22.5 and change["attribution"]["facts_share"] == 22.5
    assert [(f["id"], f["old"], f["new"]) for f in change["facts"]] == [("level", "mid", "high")]


def test_criteria_of_each_commit_and_the_work_tree(repo: Path) -> None:
    profile = repo / "projects" / "alpha-mine.yaml"
    profile.write_text(profile.read_text().replace("value: high", "value: low"))
    code, out, err = run("projects/alpha-mine.yaml", "--criteria-at-commit", "-f", "json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [s["commit"] for s in steps][-1] == "work tree"
    # 80.31 with weight 1 and level mid; 92.81 under weight 3 with level high; then low:
    # (2 + 0)/5 = 40 -> 0.75·40 + 17.81 = 47.81.
    assert [s["score"] for s in steps] == [80.31, 92.81, 47.81]
    split = steps[1]["change"]["attribution"]
    assert (split["criteria_share"], split["facts_share"]) == (-5.0, 17.5)
    assert steps[1]["criteria_hash"] != steps[0]["criteria_hash"]
    code, md, _ = run("projects/alpha-mine.yaml", "--criteria-at-commit", "-f", "markdown")
    assert "level mid → high; criteria changed (0.1.0)" in md
    assert "| 80.31   | 80.31–80.31 |         |" in md  # score, range, no delta on the first
    assert "| work tree  |" in md and "Good → Weak" in md
    assert subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split() == ["M", "projects/alpha-mine.yaml"]


def test_a_version_that_does_not_load_is_a_row(repo: Path) -> None:
    profile = repo / "projects" / "alpha-mine.yaml"
    profile.write_text(profile.read_text().replace("share: 40", "share: 400"))
    git(repo, "commit", "-q", "-am", "typo")
    code, out, err = run("projects/alpha-mine.yaml", "-f", "json")
    assert code == 0, err
    last = json.loads(out)["steps"][-1]
    assert last["score"] is None
    assert last["errors"][0].startswith(f"{last['commit']}:projects/alpha-mine.yaml:8: ")


def test_usage_errors(repo: Path, tmp_path: Path) -> None:
    (repo / "projects" / "new.yaml").write_text("project: {name: N, country: X}\n")
    code, _, err = run("projects/new.yaml")
    assert code == 2 and "has no committed version" in err
    code, _, err = run("projects/alpha-mine.yaml", "-f", "csv")
    assert code == 2


def test_the_shipped_reko_diq_series() -> None:
    """Every commit of the shipped profile is a step, in order."""
    log = subprocess.run(
        ["git", "log", "--follow", "--format=%H", "--", "projects/reko-diq.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if log.returncode != 0 or not log.stdout.strip():
        pytest.skip("not a git checkout")
    commits = log.stdout.split()[::-1]
    result = CliRunner().invoke(
        app,
        [
            "history",
            str(ROOT / "projects" / "reko-diq.yaml"),
            "-c",
            str(ROOT / "criteria"),
            "-f",
            "json",
        ],
        env={"RISKSCORE_TODAY": TODAY},
    )
    assert result.exit_code == 0, result.stderr
    steps = [s for s in json.loads(result.stdout)["steps"] if s["commit"] != "work tree"]
    profile_commits = [c[:10] for c in commits]
    assert [s["commit"] for s in steps if s["commit"] in profile_commits] == profile_commits
    # The other steps are commits that changed only countries/pk.yaml, kept because a fact
    # Reko Diq inherits changed there (analysis/history.py).
    country_log = subprocess.run(
        ["git", "log", "--format=%H", "--", "countries/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    country_commits = {c[:10] for c in country_log.stdout.split()}
    for s in steps:
        if s["commit"] not in profile_commits:
            assert s["commit"] in country_commits and s["change"]["facts"], s["commit"]
            assert s["country_file"] == "countries/pk.yaml"
    assert all(s["score"] is not None for s in steps)


def test_a_copied_profile_does_not_inherit_the_source_s_history(repo: Path) -> None:
    """git log --follow follows copies too; a profile started from another's starts afresh."""
    source = repo / "projects" / "alpha-mine.yaml"
    (repo / "projects" / "gamma.yaml").write_text(source.read_text().replace("Alpha", "Gamma"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "gamma, from alpha's profile")
    code, out, err = run("projects/gamma.yaml", "-f", "json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [(s["path"], s["subject"]) for s in steps] == [
        ("projects/gamma.yaml", "gamma, from alpha's profile")
    ]
    assert steps[0]["score"] == 92.81 and steps[0]["score_range"] == [92.81, 92.81]
