"""`evaluate --create-baseline` / `--baseline`: report and gate only findings new against a
committed baseline (as Checkov's `--baseline`), through CliRunner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from riskscore.analysis.baseline import with_baseline
from riskscore.commands.app import app
from riskscore.engine.scorecard import Scorecard
from riskscore.load.baseline import baseline_text, profile_key
from tests.conftest import DATA, MINI, mini_profile

runner = CliRunner()
SCHEMA = json.loads((DATA / "sarif-2.1.0-schema.json").read_text(encoding="utf-8"))

CLEAN = "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: none"
"""A mini profile with no finding: every criterion met, no red flag."""
FLAGGED = "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe"
"""The same profile with the c-na gate tripped (a verified red flag)."""
GAPS = "flag: false\nlevel: mid\nshare: 40\nn_a: false\nrisk: none"
"""Unmet and partial criteria, no red flag."""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def evaluate(path: Path, *args: str) -> tuple[int, str, str]:
    return run("evaluate", str(path), "--criteria", str(MINI), *args)


def test_create_baseline_lists_findings_by_path_criterion_and_kind(write, tmp_path) -> None:
    path = write("p.yaml", mini_profile(FLAGGED.replace("flag: true", "flag: false")))
    base = tmp_path / "baseline.json"
    code, out, err = evaluate(path, "--format", "json", "--create-baseline", str(base))
    assert code == 0, err
    assert f"wrote {base}" in err
    data = json.loads(base.read_text())
    assert data == {
        "riskscore_baseline": 1,
        "profiles": {
            profile_key(str(path)): [
                "c-bool/unmet",
                "c-na/red-flag",
                "c-na/unmet",
                "c-weighted/partial",
            ]
        },
    }
    assert "baseline" not in json.loads(out)["scorecards"][0]  # no --baseline given


def test_no_baseline_leaves_the_json_output_as_it_was(write) -> None:
    path = write("p.yaml", mini_profile(FLAGGED))
    code, out, _ = evaluate(path, "--format", "json")
    assert code == 0
    assert "baseline" not in json.loads(out)["scorecards"][0]


def test_fail_on_flag_ignores_flags_in_the_baseline_and_trips_on_new_ones(write, tmp_path):
    path = write("p.yaml", mini_profile(FLAGGED))
    base = tmp_path / "baseline.json"
    assert evaluate(path, "--format", "json", "--create-baseline", str(base))[0] == 0
    assert evaluate(path, "--fail-on-flag")[0] == 1  # without the baseline: trips
    code, _, err = evaluate(path, "--fail-on-flag", "--baseline", str(base))
    assert code == 0, err
    # A baseline taken before the flag appeared: the flag is new and trips the gate.
    clean = tmp_path / "clean.json"
    path.write_text(mini_profile(CLEAN))
    assert evaluate(path, "--create-baseline", str(clean))[0] == 0
    path.write_text(mini_profile(FLAGGED))
    code, _, err = evaluate(path, "--fail-on-flag", "--baseline", str(clean))
    assert code == 1 and "red flag c-na" in err


def test_sarif_marks_new_unchanged_and_absent_and_validates(write, tmp_path) -> None:
    path = write("p.yaml", mini_profile(GAPS))
    base = tmp_path / "baseline.json"
    assert evaluate(path, "--create-baseline", str(base))[0] == 0
    listed = json.loads(base.read_text())["profiles"][profile_key(str(path))]
    assert listed == ["c-bool/unmet", "c-levels/partial", "c-linear/partial", "c-weighted/partial"]
    # Fix c-bool (its finding is now absent) and trip the gate (two new findings).
    path.write_text(
        mini_profile(GAPS.replace("flag: false", "flag: true").replace("none", "severe"))
    )
    code, out, err = evaluate(path, "--format", "sarif", "--baseline", str(base))
    assert code == 0, err
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    states = {
        (r["ruleId"], r["baselineState"], r.get("kind", "fail")) for r in log["runs"][0]["results"]
    }
    assert states == {
        ("c-na/red-flag", "new", "fail"),
        ("c-na", "new", "fail"),
        ("c-levels", "unchanged", "fail"),
        ("c-weighted", "unchanged", "fail"),
        ("c-linear", "unchanged", "fail"),
        ("c-bool", "absent", "pass"),
    }
    unchanged = [r for r in log["runs"][0]["results"] if r["baselineState"] == "unchanged"]
    assert all(r["suppressions"][0]["status"] == "accepted" for r in unchanged)
    new = [r for r in log["runs"][0]["results"] if r["baselineState"] == "new"]
    assert new and all("suppressions" not in r for r in new)


def test_github_annotates_only_new_findings(write, tmp_path) -> None:
    path = write("p.yaml", mini_profile(GAPS))
    base = tmp_path / "baseline.json"
    assert evaluate(path, "--create-baseline", str(base))[0] == 0
    code, out, _ = evaluate(path, "--format", "github")
    assert code == 0 and "::warning" in out  # c-bool unmet, without a baseline
    path.write_text(mini_profile(GAPS.replace("none", "severe")))
    code, out, err = evaluate(path, "--format", "github", "--baseline", str(base))
    assert code == 0, err
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert [c.split(" ", 1)[0] for c in commands] == [
        "::error",  # the new red flag
        "::notice::riskscore:",  # the summary
        "::warning",  # c-na unmet, new; the four gaps in the baseline are not annotated
    ]
    assert "c-na" in commands[2]
    assert "2 new, 4 unchanged (not annotated), 0 no longer found" in commands[1]


def test_ids_do_not_depend_on_lines_or_scores(write, tmp_path) -> None:
    """Moving facts around (other lines) or changing a score keeps a finding unchanged."""
    path = write("p.yaml", mini_profile(GAPS))
    base = tmp_path / "baseline.json"
    assert evaluate(path, "--create-baseline", str(base))[0] == 0
    moved = "# a comment\n\n" + mini_profile(
        "risk: none\nn_a: false\nshare: 30\nlevel: mid\nflag: false"
    )
    path.write_text(moved)
    code, out, _ = evaluate(path, "--format", "json", "--baseline", str(base))
    info = json.loads(out)["scorecards"][0]["baseline"]
    assert code == 0 and info["new"] == [] and info["absent"] == []


def test_paths_are_matched_normalised(write, tmp_path, monkeypatch) -> None:
    write("projects/p.yaml", mini_profile(GAPS))
    monkeypatch.chdir(tmp_path)
    assert evaluate(Path("./projects/p.yaml"), "--create-baseline", "b.json")[0] == 0
    assert list(json.loads(Path("b.json").read_text())["profiles"]) == ["projects/p.yaml"]
    code, out, _ = evaluate(Path("projects//p.yaml"), "--format", "json", "--baseline", "b.json")
    assert code == 0
    assert json.loads(out)["scorecards"][0]["baseline"]["new"] == []


def test_a_bad_baseline_is_path_line_and_exit_2(write, tmp_path) -> None:
    path = write("p.yaml", mini_profile(GAPS))
    bad = write("bad.json", '{\n  "riskscore_baseline": 1,\n  "profiles": {,}\n}\n')
    code, out, err = evaluate(path, "--baseline", str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:3: not a baseline: invalid JSON")
    wrong = write("wrong.json", '{"riskscore_baseline": 1,\n "profiles": {"p.yaml": "c-bool"}}')
    code, _, err = evaluate(path, "--baseline", str(wrong))
    assert code == 2 and err.startswith(f'{wrong}:2: profiles."p.yaml": expected a list')
    other = write("other.json", "[]")
    code, _, err = evaluate(path, "--baseline", str(other))
    assert code == 2 and "--create-baseline" in err
    code, _, err = evaluate(path, "--baseline", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read baseline" in err


def test_with_baseline_sorts_and_splits(mini, write) -> None:
    from riskscore.engine.evaluate import evaluate as score
    from riskscore.load.profile import load_profile

    card: Scorecard = score(load_profile(write("p.yaml", mini_profile(GAPS)), mini), mini)
    accepted = {profile_key(card.path): frozenset({"c-linear/partial", "gone/unknown"})}
    info = with_baseline(card, accepted, "b.json").baseline
    assert info is not None
    assert info.new == ["c-bool/unmet", "c-levels/partial", "c-weighted/partial"]
    assert info.unchanged == ["c-linear/partial"]
    assert info.absent == ["gone/unknown"]


def test_baseline_text_is_sorted_and_deduplicated() -> None:
    text = baseline_text({"./b.yaml": ["z/unmet", "a/unknown", "z/unmet"], "a.yaml": []})
    assert json.loads(text) == {
        "riskscore_baseline": 1,
        "profiles": {"a.yaml": [], "b.yaml": ["a/unknown", "z/unmet"]},
    }


def test_subprocess_create_then_use_a_baseline(write, tmp_path) -> None:
    path = write("p.yaml", mini_profile(FLAGGED))
    base = tmp_path / "baseline.json"
    command = [sys.executable, "-m", "riskscore", "evaluate", str(path), "--criteria", str(MINI)]
    first = subprocess.run(
        [*command, "--fail-on-flag", "--create-baseline", str(base)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 1 and base.is_file()  # the gate still applies to this run
    second = subprocess.run(
        [*command, "--fail-on-flag", "--baseline", str(base), "--format", "sarif"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    results = json.loads(second.stdout)["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}


def test_table_and_markdown_name_the_new_findings(write, tmp_path) -> None:
    one = write("a.yaml", mini_profile(GAPS))
    two = write("b.yaml", mini_profile(CLEAN).replace("name: Test", "name: Clean"))
    base = tmp_path / "baseline.json"
    assert (
        run("evaluate", str(one), str(two), "-c", str(MINI), "--create-baseline", str(base))[0] == 0
    )
    one.write_text(mini_profile(GAPS.replace("none", "severe")))
    args = ("evaluate", str(one), str(two), "-c", str(MINI), "--baseline", str(base))
    code, out, _ = run(*args, "-f", "markdown")
    assert code == 0
    ranking = out.split("\n## ")[0]
    assert "| new findings " in ranking
    assert "c-na/red-flag, c-na/unmet" in ranking
    assert (
        f"Against baseline {base}: 2 new findings (c-na/red-flag, c-na/unmet); 4 unchanged" in out
    )
    code, out, _ = run(*args)
    assert code == 0 and "new findings" in out and "c-na/red-flag" in out
    code, out, _ = run("evaluate", str(one), "-c", str(MINI), "--baseline", str(base))
    assert "Against baseline" in " ".join(out.split())


def test_csv_gains_baseline_columns_only_with_a_baseline(write, tmp_path) -> None:
    import csv
    import io

    path = write("p.yaml", mini_profile(GAPS))
    base = tmp_path / "baseline.json"
    assert evaluate(path, "--create-baseline", str(base))[0] == 0
    plain = next(csv.DictReader(io.StringIO(evaluate(path, "-f", "csv")[1])))
    assert "new_findings" not in plain
    path.write_text(mini_profile(GAPS.replace("none", "severe")))
    code, out, _ = evaluate(path, "-f", "csv", "--baseline", str(base))
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert (row["new_findings"], row["unchanged_findings"], row["absent_findings"]) == (
        "c-na/red-flag;c-na/unmet",
        "4",
        "",
    )
