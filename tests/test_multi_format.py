"""Several formats from one run: `evaluate --format A --format B --output A=FILE ...` scores
once and writes each format as a run of that format alone would (CliRunner and subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.analysis import portfolio
from riskscore.commands.app import app
from tests.conftest import MINI, mini_profile

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def profiles(write) -> list[str]:
    one = write("a.yaml", mini_profile("flag: true\nlevel: mid\nshare: 40\nn_a: true"))
    two = write(
        "b.yaml",
        mini_profile("flag: false\nlevel: high\nshare: 100\nn_a: false\nrisk: severe").replace(
            "name: Test", "name: Other"
        ),
    )
    return [str(one), str(two), "--criteria", str(MINI)]


def test_each_output_equals_a_run_of_that_format_alone(profiles, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKSCORE_TODAY", "2026-11-23")
    alone = {}
    for name in ("json", "sarif", "jsonl", "markdown", "github", "junit", "csv"):
        code, out, err = run("evaluate", *profiles, "--format", name)
        assert code == 0, err
        alone[name] = out
    files = {name: tmp_path / f"out.{name}" for name in ("json", "sarif", "jsonl", "junit", "csv")}
    args = [f"--format={name}" for name in ("json", "sarif", "markdown", "jsonl", "junit", "csv")]
    args += [f"--output={name}={path}" for name, path in files.items()]
    code, out, err = run("evaluate", *profiles, *args)
    assert code == 0, err
    assert out == alone["markdown"]  # the one format without a file goes to stdout
    for name, path in files.items():
        assert path.read_text(encoding="utf-8") == alone[name], name
        assert f"wrote {path}" in err


def test_profiles_are_scored_once_whatever_the_number_of_formats(
    profiles, tmp_path, monkeypatch
) -> None:
    calls: list[str] = []
    real = portfolio.scorecard  # analysis.pipeline.scorecard: evaluate() plus the roadmap order

    def counting(profile, cset, today=None):
        calls.append(profile.path)
        return real(profile, cset, today)

    monkeypatch.setattr(portfolio, "scorecard", counting)
    out = [f"--output={n}={tmp_path / n}" for n in ("json", "sarif", "github")]
    args = ["-f", "json", "-f", "sarif", "-f", "github", "-f", "table", *out]
    code, _, err = run("evaluate", *profiles, *args)
    assert code == 0, err
    assert len(calls) == 2  # two profiles, four formats


def test_gates_trip_once_and_github_annotates_them(profiles, tmp_path) -> None:
    gh = tmp_path / "gh.txt"
    code, _, err = run(
        "evaluate", *profiles, "-f", "json", "-f", "github", f"--output=github={gh}",
        "--fail-on-flag",
    )  # fmt: skip
    assert code == 1
    assert err.count("riskscore: gate:") == 1
    assert "::error title=riskscore gate::" in gh.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "json", "-f", "sarif", "-o", "x.json"], "name each file: --output FORMAT=FILE"),
        (["-f", "json", "-f", "sarif"], "would all go to stdout"),
        (["-f", "json", "-o", "sarif=x.sarif"], "format sarif is not asked for"),
        (["-f", "json", "-f", "json"], "--format json is given twice"),
        (["-f", "json", "-f", "csv", "-o", "json=x", "-o", "csv=x"], "the same --output file"),
        (["-f", "xlsx", "-f", "json", "-o", "json=x"], "give --output xlsx=FILE"),
        (["-f", "json", "-o", "json=a", "-o", "json=b"], "--output json=... is given twice"),
        (["-f", "json", "-o", "json="], "give a file after '='"),
    ],
)
def test_unclear_outputs_are_usage_errors(profiles, args, message, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("evaluate", *profiles, *args)
    assert code == 2 and out == ""
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]  # nothing written


def test_a_plain_output_with_an_equals_sign_is_a_file_name(profiles, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run("evaluate", *profiles, "-f", "json", "-o", "out=1.json")
    assert code == 0, err
    assert json.loads((tmp_path / "out=1.json").read_text())["scorecards"]


def test_a_failed_write_leaves_no_temporary_file(profiles, tmp_path) -> None:
    good = tmp_path / "a.json"
    code, _, err = run(
        "evaluate", *profiles, "-f", "json", "-f", "sarif",
        f"--output=json={good}", f"--output=sarif={tmp_path / 'no' / 'x.sarif'}",
    )  # fmt: skip
    assert code == 2 and "does not exist" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_help_states_the_syntax() -> None:
    code, out, _ = run("evaluate", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "FORMAT=FILE once per format" in text
    assert "Repeat it for several formats" in text


def test_table_of_a_profile_with_every_criterion_met_does_not_crash(write) -> None:
    """fit_table measured the longest line of an empty column with max() of nothing."""
    path = write(
        "p.yaml", mini_profile("flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: none")
    )
    code, out, err = run("evaluate", str(path), "--criteria", str(MINI))
    assert code == 0, err
    assert "Test" in out


def test_subprocess_several_formats(profiles, tmp_path) -> None:
    sarif, summary = tmp_path / "out.sarif", tmp_path / "summary.md"
    proc = subprocess.run(
        [
            sys.executable, "-m", "riskscore", "evaluate", *profiles,
            "--format", "sarif", "--format", "markdown", "--format", "github",
            "--output", f"sarif={sarif}", "--output", f"markdown={summary}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert summary.read_text().startswith("# riskscore portfolio")
    assert proc.stdout.startswith("::")
    assert Path(sarif).stat().st_size > 0
