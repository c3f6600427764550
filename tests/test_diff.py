"""`riskscore diff`: which projects move when the criteria change, why, and the CI gates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from riskscore.analysis.criteria_diff import ProjectDiff, diff_criteria, version_warning
from riskscore.analysis.pipeline import evaluate_paths
from riskscore.commands.common import TextFormat
from riskscore.commands.diff import diff
from riskscore.errors import UsageError
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.gitref import load_criteria_at_ref
from riskscore.render.diff import FORMATS, render_diff
from tests.conftest import MINI, PROJECTS, ROOT, SHIPPED

app = typer.Typer()
app.command()(diff)


@app.callback()
def _group() -> None:
    """Keep `diff` a subcommand, as it is once registered in riskscore.commands.app."""


runner = CliRunner()
TODAY = "2026-11-23"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args], env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def copy_set(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def bump_weight(folder: Path, criterion: str, by: float = 2) -> tuple[str, str]:
    """Raise one criterion's weight in place; returns the old and new weight as written."""
    path = folder / f"{criterion}.yaml"
    if not path.exists():  # the shipped overlay keeps its criteria in base/
        path = folder / "base" / f"{criterion}.yaml"
    text = path.read_text(encoding="utf-8")
    old = re.search(r"^weight: (\S+)$", text, re.MULTILINE)
    assert old is not None
    new = f"{float(old.group(1)) + by:g}"
    path.write_text(text.replace(old.group(0), f"weight: {new}", 1), encoding="utf-8")
    return old.group(1), new


def project(name: str, facts: dict[str, object]) -> str:
    lines = [f"project:\n  name: {name}\n  country: Nowhere\n"]
    if facts:
        lines.append("facts:\n")
        lines += [f"  {k}: {json.dumps(v)}\n" for k, v in facts.items()]
    return "".join(lines)


ALPHA = {"flag": True, "level": "mid", "share": 40, "n_a": True}
BETA = {"flag": False, "level": "high", "share": 100, "n_a": False, "risk": "severe"}


@pytest.fixture
def mini_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cwd = tmp_path holding old/ and new/ (copies of the mini set) and projects/."""
    copy_set(MINI, tmp_path / "old")
    copy_set(MINI, tmp_path / "new")
    (tmp_path / "projects").mkdir()
    for name, facts in (("alpha", ALPHA), ("beta", BETA), ("gamma", {})):
        (tmp_path / "projects" / f"{name}.yaml").write_text(project(name.title(), facts))
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the shipped set: one weight changed ------------------------------------------------------


def test_one_weight_change_names_the_criterion_and_every_moved_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    copy = copy_set(SHIPPED, tmp_path / "edited")
    old_w, new_w = bump_weight(copy, "contract-stability")
    files = sorted(Path("projects").glob("*.yaml"))
    before = {c.path: c.score for c in evaluate_paths(files, load_criteria(SHIPPED)).scorecards}
    after = {c.path: c.score for c in evaluate_paths(files, load_criteria(copy)).scorecards}
    expected = {p for p in before if before[p] != after[p]}
    assert expected, "the shipped profiles should feel a deal-pillar weight change"

    code, out, err = run("criteria", str(copy), "projects/", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["changes"]["criteria"] == [
        {
            "id": "contract-stability",
            "kind": "changed",
            "details": [f"weight {old_w} -> {new_w}"],
            # the diff says where the criterion comes from: the base, patched by the overlay
            "origin": "critical-minerals-base; country_advice, sources from "
            "pakistan-critical-minerals",
        }
    ]
    assert "version is still" in data["changes"]["version_warning"]
    moved = {p["path"] for p in data["projects"] if p["moved"]}
    assert moved == expected
    assert data["moved"] == len(expected) and data["empty"] is False
    for p in data["projects"]:
        assert p["delta"] == round(after[p["path"]] - before[p["path"]], 2)
        if not p["moved"]:
            continue
        cause = next(m for m in p["criteria"] if m["id"] == "contract-stability")
        assert cause["kinds"] == ["reweighted"] and cause["definition_changed"] is True
        assert cause["reason"] == f"weight {old_w} -> {new_w}"
        others = [m for m in p["criteria"] if m["id"] != "contract-stability"]
        assert all(m["kinds"] == [] and not m["definition_changed"] for m in others)
        # Every criterion whose points changed is listed, so the points add up to the move.
        assert abs(sum(m["points_delta"] for m in p["criteria"]) - p["delta"]) < 0.02

    code, md, _ = run("criteria", str(copy), "projects/", "--format", "markdown")
    assert code == 0 and "`contract-stability` changed" in md
    for p in data["projects"]:
        assert (f"#### {p['project']}:" in md) is p["moved"]


def test_max_delta_gate_and_identical_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    copy = copy_set(SHIPPED, tmp_path / "edited")
    bump_weight(copy, "contract-stability")
    code, _, err = run("criteria", str(copy), "projects/", "--max-delta", "0")
    assert code == 1 and "beyond --max-delta 0" in err
    assert run("criteria", str(copy), "projects/", "--max-delta", "100")[0] == 0

    code, out, err = run(
        "criteria", "criteria", "--max-delta", "0", "--fail-on-band-change", "-f", "markdown"
    )
    assert code == 0, err
    assert "No criteria changes, no profile changes and no project moves" in out
    assert "####" not in out
    data = json.loads(run("criteria", "criteria", "-f", "json")[1])
    assert data["empty"] is True and data["moved"] == 0
    assert len(data["projects"]) == len(list(PROJECTS.glob("*.yaml")))  # projects/ by default
    assert all(p["criteria"] == [] and p["delta"] == 0 for p in data["projects"])


# --- the mini set: hand-computed movements ----------------------------------------------------


def test_golden_markdown_for_one_weight_change(mini_pair: Path, file_regression) -> None:
    bump_weight(mini_pair / "new", "c-levels")  # 1 -> 3 inside pillar a
    code, out, err = run("old", "new", "--format", "markdown")
    assert code == 0, err
    file_regression.check(out, extension=".md")


def test_markdown_past_the_job_summary_limit_leaves_out_whole_sections(
    mini_pair: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from riskscore.render import diff as diff_render

    bump_weight(mini_pair / "new", "c-levels")
    full = run("old", "new", "--format", "markdown")[1]
    sections = full.count("\n#### ")
    assert sections >= 2
    monkeypatch.setattr(diff_render, "MAX_BYTES", len(full.encode("utf-8")) + 400)
    assert run("old", "new", "--format", "markdown")[1] == full  # fits: unchanged
    monkeypatch.setattr(diff_render, "MAX_BYTES", len(full.encode("utf-8")) - 10)
    code, out, err = run("old", "new", "--format", "markdown")
    assert code == 0 and len(out.encode("utf-8")) <= diff_render.MAX_BYTES
    kept = out.count("\n#### ")
    assert 0 < kept < sections and full.startswith(out[: out.rindex("\n_")])
    line = f"{sections - kept} of {sections} project sections left out"
    assert line in out.splitlines()[-1] and f"riskscore: note: {line}" in err


def test_band_change_gate_and_hand_computed_points(mini_pair: Path) -> None:
    bump_weight(mini_pair / "new", "c-levels")
    data = json.loads(run("old", "new", "-f", "json")[1])
    alpha, beta, gamma = data["projects"]
    # alpha: pillar a (2·1 + 1·0.5)/3 = 83.33 -> (2·1 + 3·0.5)/5 = 70; pillar b 71.25 throughout.
    assert (alpha["old_score"], alpha["new_score"], alpha["delta"]) == (80.31, 70.31, -10.0)
    assert (alpha["old_band"], alpha["new_band"], alpha["band_changed"]) == ("good", "weak", True)
    assert [(m["id"], m["kinds"], m["points_delta"]) for m in alpha["criteria"]] == [
        ("c-levels", ["reweighted"], 10.0),
        ("c-bool", [], -20.0),
    ]
    assert (
        alpha["criteria"][1]["reason"] == "possible points 50.00 -> 30.00 (other criteria changed)"
    )
    assert (beta["old_band"], beta["new_band"]) == ("failing", "weak")  # the c-na flag caps at weak
    assert beta["flags_gained"] == beta["flags_lost"] == []
    assert gamma["moved"] is False and gamma["delta"] == 0
    code, _, err = run("old", "new", "--fail-on-band-change")
    assert code == 1
    assert "projects/alpha.yaml: Alpha changes band good -> weak" in err
    assert "projects/gamma.yaml" not in err


def test_changed_scores_are_rescored(mini_pair: Path) -> None:
    path = mini_pair / "new" / "c-levels.yaml"
    path.write_text(path.read_text().replace("mid: 0.5", "mid: 0.7"))
    result = diff_criteria(
        load_criteria(Path("old")), load_criteria(Path("new")), [Path("projects/alpha.yaml")]
    )
    assert result.changes.criteria[0].details == ["rule changed"]
    (alpha,) = result.projects
    assert (alpha.old_score, alpha.new_score) == (80.31, 85.31)
    (move,) = alpha.criteria
    assert (move.id, move.kinds, move.reason) == ("c-levels", ["rescored"], "score 0.50 -> 0.70")
    assert (move.old_points, move.new_points, move.points_delta) == (12.5, 17.5, 5.0)


def test_gate_and_not_applicable_changes_are_rescored(mini_pair: Path) -> None:
    path = mini_pair / "new" / "c-na.yaml"
    text = path.read_text().replace("in: [severe]", "in: [severe, some]")
    path.write_text(text.replace("not_applicable_when: {fact: n_a, in: [true]}\n", ""))
    profiles = [Path("projects/alpha.yaml"), Path("projects/beta.yaml")]
    result = diff_criteria(load_criteria(Path("old")), load_criteria(Path("new")), profiles)
    assert result.changes.criteria[0].details == ["not_applicable_when changed", "gate changed"]
    alpha = result.projects[0]
    na = next(m for m in alpha.criteria if m.id == "c-na")
    # alpha states n_a: true but no risk: now applicable, unknown, scored 0 by policy.
    assert (na.kinds, na.reason) == (["rescored"], "score n/a -> 0.00")
    beta = result.projects[1]  # still flagged at the same cap, with the same score
    assert beta.criteria == [] and beta.moved is False


def test_added_and_removed_criteria(mini_pair: Path) -> None:
    new = mini_pair / "new"
    (new / "c-linear.yaml").unlink()
    extra = (new / "c-bool.yaml").read_text().replace("id: c-bool", "id: c-extra")
    (new / "c-extra.yaml").write_text(extra)
    result = diff_criteria(
        load_criteria(Path("old")), load_criteria(new), [Path("projects/alpha.yaml")]
    )
    assert [(c.id, c.kind) for c in result.changes.criteria] == [
        ("c-extra", "added"),
        ("c-linear", "removed"),
    ]
    moves = {m.id: m for m in result.projects[0].criteria}
    assert (moves["c-extra"].kinds, moves["c-extra"].reason) == (
        ["added"],
        "new criterion, 30.00 points",
    )
    assert (moves["c-linear"].kinds, moves["c-linear"].reason) == (
        ["removed"],
        "criterion removed, was 10.00 points",
    )
    assert moves["c-linear"].points_delta == -10.0 and moves["c-linear"].new_points is None


def test_pillar_move_and_set_level_sections(mini_pair: Path) -> None:
    new = mini_pair / "new"
    crit = new / "c-levels.yaml"
    crit.write_text(crit.read_text().replace("pillar: a", "pillar: b"))
    head = new / "set.yaml"
    head.write_text(
        head.read_text()
        .replace(
            "weight: 1\n    description: One quarter", "weight: 2\n    description: One quarter"
        )
        .replace("min: 75", "min: 70")
        .replace("version: 0.1.0", "version: 0.2.0")
    )
    result = diff_criteria(
        load_criteria(Path("old")), load_criteria(new), [Path("projects/alpha.yaml")]
    )
    changes = result.changes
    assert changes.pillars[0].model_dump() == {
        "id": "b",
        "kind": "changed",
        "details": ["weight 1 -> 2"],
        "origin": None,
    }
    assert changes.bands[0].details == ["min 75 -> 70"]
    assert changes.version_warning is None
    assert (result.old.version, result.new.version) == ("0.1.0", "0.2.0")
    move = next(m for m in result.projects[0].criteria if m.id == "c-levels")
    assert move.kinds == ["moved_pillar"] and move.reason == "pillar a -> b"


def test_profile_that_fails_against_one_side(mini_pair: Path) -> None:
    old_set = (mini_pair / "old" / "set.yaml").read_text()
    risk = "  - id: risk\n    type: enum\n    values: [severe, some, none]\n"
    start = old_set.index(risk)
    (mini_pair / "new" / "set.yaml").write_text(old_set[:start])  # risk was the last fact
    (mini_pair / "new" / "c-na.yaml").unlink()
    code, out, err = run("old", "new", "-f", "markdown")
    assert code == 2  # beta states `risk`, which the new vocabulary no longer has
    assert "projects/beta.yaml:" in err and "unknown fact 'risk'" in err
    assert "### Profiles that could not be scored" in out
    assert "- `projects/beta.yaml` against the new set: projects/beta.yaml:" in out
    # The other way round the same profile fails only against the old set: a row, not exit 2.
    code, out, err = run("new", "old", "-f", "json")
    assert code == 0, err
    beta = json.loads(out)["projects"][1]
    assert beta["old_errors"] and beta["new_errors"] == [] and beta["new_score"] == 35.94


def test_version_warning() -> None:
    base = load_criteria(MINI)
    assert version_warning(base, base) is None
    edited = replace(base, hash="sha256:" + "0" * 64)
    message = version_warning(base, edited)
    assert message is not None and "still 0.1.0" in message and "bump `version`" in message
    bumped = replace(edited, header=base.header.model_copy(update={"version": "0.2.0"}))
    assert version_warning(base, bumped) is None


# --- options and usage ------------------------------------------------------------------------


def test_lens_output_and_usage_errors(mini_pair: Path) -> None:
    code, out, _ = run("old", "new", "--lens", "b-heavy", "-f", "json")
    assert code == 0 and json.loads(out)["new"]["lens"] == "b-heavy"
    code, _, err = run("old", "new", "--lens", "b-haevy")
    assert code == 2 and "no lens 'b-haevy' (did you mean 'b-heavy'?)" in err
    assert run("old", "new", "-f", "markdown", "-o", "out.md")[:2] == (0, "")
    assert (mini_pair / "out.md").read_text() == run("old", "new", "-f", "markdown")[1]
    code, _, err = run("old")
    assert code == 2 and "give the OLD and NEW criteria directories" in err
    code, _, err = run("old", "new", "--criteria", "old")
    assert code == 2 and "--criteria applies only with --base" in err
    shutil.rmtree(mini_pair / "projects")
    code, _, err = run("old", "new")
    assert code == 2 and "no projects/ directory" in err


def test_every_format_renders_and_unknown_is_rejected(mini_pair: Path) -> None:
    assert {f.value for f in TextFormat} == set(FORMATS)
    result = diff_criteria(load_criteria(Path("old")), load_criteria(Path("new")), [])
    for name in FORMATS:
        assert "old" in render_diff(result, name)
    with pytest.raises(UsageError, match="unknown format 'jsn' \\(did you mean 'json'\\?\\)"):
        render_diff(result, "jsn")
    odd = ProjectDiff(
        path="p[red].yaml",
        project="A | [b]B",
        old_score=1.0,
        new_score=None,
        old_band="weak",
        new_band=None,
        new_errors=["p[red].yaml:3: facts.x: [not] known"],
    )
    result = result.model_copy(update={"projects": [odd], "empty": False})
    table = render_diff(result, "table")
    assert "A | [b]B" in table and "[not] known" in table  # brackets are text, not rich markup
    assert "Weak → –" in table
    text = render_diff(result, "markdown")  # brackets and pipes are text, not markdown
    assert "A \\| \\[b\\]B" in text and "- `p[red].yaml` against" in text


# --- --base: the criteria at a git ref --------------------------------------------------------


IDENTITY = ("-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *IDENTITY, *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the mini set and one profile committed; cwd is its root."""
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    (root / "projects" / "alpha.yaml").write_text(project("Alpha", ALPHA))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    return root


def test_base_compares_the_committed_set_with_the_work_tree(repo: Path) -> None:
    code, out, err = run("--base", "HEAD", "-f", "json")
    assert code == 0 and json.loads(out)["empty"] is True, err
    bump_weight(repo / "criteria", "c-levels")
    code, out, err = run("--base", "HEAD", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["old"]["label"], data["new"]["label"]) == ("HEAD:criteria", "criteria")
    assert data["changes"]["criteria"][0]["details"] == ["weight 1 -> 3"]
    assert data["projects"][0]["path"] == "projects/alpha.yaml"
    assert data["projects"][0]["criteria"][0]["id"] == "c-levels"
    assert run("--base", "HEAD", "--max-delta", "5")[0] == 1
    assert subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split() == ["M", "criteria/c-levels.yaml"]  # the work tree was left alone


def test_base_errors_are_usage_errors(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run("--base", "no-such-branch")
    assert code == 2 and "--base: unknown git ref 'no-such-branch'" in err
    with pytest.raises(UsageError, match="is not a git ref"):
        load_criteria_at_ref("--output=x", Path("criteria"))  # never passed to git as an option
    shutil.copytree(repo / "criteria", repo / "draft")
    code, _, err = run("--base", "HEAD", "--criteria", "draft")
    assert code == 2 and "no criteria directory 'draft' at HEAD" in err
    outside = tmp_path / "plain"
    copy_set(MINI, outside / "criteria")
    (outside / "projects").mkdir()
    code, _, err = run("--base", "HEAD", "--criteria", str(outside / "criteria"))
    assert code == 2 and "not inside a git repository" in err  # its own folder is no repo
    monkeypatch.chdir(outside)
    code, _, err = run("--base", "HEAD")
    assert code == 2 and "not inside a git repository" in err


def test_base_errors_name_the_file_at_the_ref(repo: Path) -> None:
    path = repo / "criteria" / "c-levels.yaml"
    good = path.read_text()
    path.write_text(good.replace("weight: 1", "weight: 0"))
    git(repo, "commit", "-q", "-am", "broken weight")
    path.write_text(good)
    code, _, err = run("--base", "HEAD")
    assert code == 2
    assert "HEAD:criteria/c-levels.yaml:4: weight:" in err and "riskscore-base-" not in err


# --- CI configuration files -------------------------------------------------------------------


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "riskscore-validate" and hook["entry"].startswith("riskscore validate")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("criteria/eiti-implementation.yaml")
    assert files.search("criteria/base/eiti-implementation.yaml")
    assert files.search("projects/saindak.yml")
    assert not files.search("docs/projects/x.yaml") and not files.search("criteria/notes.md")
