"""`riskscore diff` across commits: base criteria on base profiles against the head's, each
move split into the criteria change, the fact changes and their interaction."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskscore.analysis.attribution import attribute
from tests.conftest import MINI
from tests.test_diff import IDENTITY, bump_weight, copy_set, git, project, run

ALPHA = """\
project: {{name: Alpha, country: Nowhere}}
sources:
  rep-2025: {{title: Annual report 2025, url: "https://example.org/2025"}}
  rep-2026: {{title: Annual report 2026, url: "https://example.org/2026"}}
facts:
  flag: {{value: true, source: rep-2025}}
  level: {{value: {level}, source: {source}}}
  share: 40
  n_a: true
"""
BETA = {"flag": False, "level": "high", "share": 100, "n_a": False, "risk": "severe"}


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three commits: base; alpha's `level` mid -> high (a fact); c-levels weight 1 -> 3."""
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    alpha = root / "projects" / "alpha.yaml"
    alpha.write_text(ALPHA.format(level="mid", source="rep-2025"))
    (root / "projects" / "beta.yaml").write_text(project("Beta", BETA))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    alpha.write_text(ALPHA.format(level="high", source="rep-2026"))
    git(root, "commit", "-q", "-am", "alpha: level is high (2026 report)")
    bump_weight(root / "criteria", "c-levels")
    git(root, "commit", "-q", "-am", "c-levels weighs 3")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    return root


def status(repo: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def test_base_names_both_causes_with_their_shares(history: Path) -> None:
    code, out, err = run("--base", "HEAD~2", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["old"]["profiles"], data["new"]["profiles"]) == ("HEAD~2", "work tree")
    assert data["changes"]["criteria"][0]["details"] == ["weight 1 -> 3"]
    alpha, beta = data["projects"]
    # Pillar b is 71.25 throughout, a quarter of the score. Pillar a (c-bool w2 met, c-levels):
    # S(C0,F0) = (2 + 0.5)/3 -> 80.31   S(C1,F0) = (2 + 1.5)/5 -> 70.31
    # S(C0,F1) = (2 + 1)/3   -> 92.81   S(C1,F1) = (2 + 3)/5   -> 92.81
    assert (alpha["old_score"], alpha["new_score"], alpha["delta"]) == (80.31, 92.81, 12.5)
    assert alpha["attribution"] == {
        "criteria": -10.0,
        "facts": 12.5,
        "interaction": 10.0,
        "criteria_share": -5.0,
        "facts_share": 17.5,
        "note": None,
    }
    assert alpha["facts"] == [
        {
            "id": "level",
            "kind": "changed",
            "old": "mid",
            "new": "high",
            "old_sources": ["rep-2025: Annual report 2025"],
            "new_sources": ["rep-2026: Annual report 2026"],
            "old_origin": None,
            "new_origin": None,
        }
    ]
    levels = next(m for m in alpha["criteria"] if m["id"] == "c-levels")
    assert levels["kinds"] == ["evidence", "reweighted"]
    assert levels["reason"] == "fact level changed; weight 1 -> 3; score 0.50 -> 1.00"
    # Beta's facts did not change: its whole move (35.94 -> 55.94) is the criteria's.
    assert beta["facts"] == [] and beta["attribution"]["criteria_share"] == 20.0
    assert beta["attribution"]["facts_share"] == 0.0
    assert (beta["old_band"], beta["new_band"]) == ("failing", "weak")

    code, md, _ = run("--base", "HEAD~2", "-f", "markdown")
    assert code == 0
    assert "2 of 2 projects move. 1 profile changed." in md
    assert "| `profiles` | `HEAD~2`" not in md and "| profiles | `HEAD~2`" in md
    assert (
        "Causes: criteria change -5.00, fact changes +17.50 (alone: criteria -10.00, facts "
        "+12.50; interaction +10.00, split equally)." in md
    )
    assert "| level  | changed  | mid   | high  | rep-2025: Annual report 2025 → rep-2026" in md
    assert status(history) == ""  # nothing checked out, nothing written


def test_gates_trip_as_documented(history: Path) -> None:
    code, _, err = run("--base", "HEAD~2", "--fail-on-fact-change")
    assert code == 1
    assert err.splitlines() == [
        "riskscore: gate: projects/alpha.yaml: Alpha moves by +17.5 points from fact "
        "changes (level)"
    ]
    code, _, err = run("--base", "HEAD~2", "--fail-on-band-change")
    assert code == 1 and err.splitlines() == [
        "riskscore: gate: projects/beta.yaml: Beta changes band failing -> weak"
    ]
    code, _, err = run("--base", "HEAD~2", "--max-delta", "15")
    assert code == 1 and "Beta moves +20.00, beyond --max-delta 15" in err
    assert "Alpha" not in err
    assert run("--base", "HEAD~2", "--max-delta", "20")[0] == 0
    # Refs on both sides: the weight commit alone moves no fact, so the fact gate is quiet;
    # the fact commit alone is all facts.
    code, out, err = run("HEAD~1", "HEAD", "--fail-on-fact-change", "-f", "json")
    assert code == 0, err
    alpha = json.loads(out)["projects"][0]
    assert alpha["facts"] == [] and alpha["delta"] == 0
    code, out, _ = run("HEAD~2", "HEAD~1", "--fail-on-fact-change", "-f", "json")
    assert code == 1
    alpha, beta = json.loads(out)["projects"]
    assert alpha["attribution"]["facts_share"] == 12.5 and alpha["delta"] == 12.5
    assert beta["moved"] is False


def test_added_removed_and_renamed_profiles(history: Path) -> None:
    git(history, "mv", "projects/alpha.yaml", "projects/alpha-mine.yaml")
    (history / "projects" / "beta.yaml").unlink()
    (history / "projects" / "gamma.yaml").write_text(project("Gamma", {"flag": True}))
    code, out, err = run("--base", "HEAD", "-f", "json")
    assert code == 0, err
    projects = {p["path"]: p for p in json.loads(out)["projects"]}
    renamed = projects["projects/alpha-mine.yaml"]
    assert (renamed["status"], renamed["old_path"], renamed["moved"]) == (
        "renamed",
        "projects/alpha.yaml",
        False,
    )
    assert projects["projects/gamma.yaml"]["status"] == "added"
    assert projects["projects/gamma.yaml"]["old_score"] is None
    assert projects["projects/beta.yaml"]["status"] == "removed"
    assert projects["projects/beta.yaml"]["new_score"] is None
    md = run("--base", "HEAD", "-f", "markdown")[1]
    assert "- renamed `projects/alpha.yaml` → `projects/alpha-mine.yaml` (Alpha)" in md
    assert "- added `projects/gamma.yaml` (Gamma): " in md
    assert "- removed `projects/beta.yaml` (Beta): 55.94, Weak" in md


def test_a_profile_broken_at_the_base_names_the_ref(history: Path) -> None:
    alpha = history / "projects" / "alpha.yaml"
    good = alpha.read_text()
    alpha.write_text(good.replace("share: 40", "share: 400"))
    git(history, "commit", "-q", "-am", "broken share")
    alpha.write_text(good)
    code, out, err = run("--base", "HEAD", "-f", "json")
    assert code == 0, err  # broken only at the base: reported, not fatal
    (line,) = json.loads(out)["projects"][0]["old_errors"]
    assert line.startswith("HEAD:projects/alpha.yaml:8: facts.share:")
    assert "riskscore-ref-" not in out


@given(st.lists(st.integers(0, 10_000), min_size=4, max_size=4))
def test_the_parts_add_up_exactly(cents: list[int]) -> None:
    a, b, c, d = (x / 100 for x in cents)
    split = attribute(a, b, c, d)
    assert split.criteria is not None and split.facts is not None
    assert split.interaction is not None and split.criteria_share is not None
    assert split.facts_share is not None
    delta = round(d - a, 2)
    assert round(split.criteria + split.facts + split.interaction, 2) == delta
    assert round(split.criteria_share + split.facts_share, 3) == delta
    assert split.criteria == round(b - a, 2) and split.facts == round(c - a, 2)


__all__ = ["IDENTITY"]


def test_two_checkouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OLD and NEW directories holding criteria/: each side reads its own profiles."""
    for side, level in (("before", "mid"), ("after", "high")):
        copy_set(MINI, tmp_path / side / "criteria")
        (tmp_path / side / "projects").mkdir()
        (tmp_path / side / "projects" / "alpha.yaml").write_text(
            ALPHA.format(level=level, source="rep-2025")
        )
    monkeypatch.chdir(tmp_path)
    code, out, err = run("before", "after", "projects", "-f", "json")
    assert code == 0, err
    (alpha,) = json.loads(out)["projects"]
    assert (alpha["path"], alpha["delta"]) == ("projects/alpha.yaml", 12.5)
    assert alpha["attribution"]["facts_share"] == 12.5
    assert alpha["facts"][0]["kind"] == "changed"
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run("before", "no-such-ref", "projects")  # not a directory: a git ref
    assert code == 2 and "not inside a git repository" in err
