"""`--format jsonl`: one compact scorecard per line, read back with the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths
from riskscore.commands.app import app
from riskscore.load.criteria.loader import load_criteria
from riskscore.render import RenderOptions, get_renderer
from tests.conftest import PROJECTS, ROOT, SHIPPED

TODAY = "2026-11-23"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["evaluate", *args], env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def files() -> list[Path]:
    return sorted(PROJECTS.glob("*.yaml"))


def test_each_line_is_the_json_scorecard_without_criteria_text(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli("projects/", "--format", "jsonl")
    assert code == 0, err
    code, full, _ = cli("projects/", "--format", "json")
    report = json.loads(full)
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(files)  # one line each, newline-terminated
    texts = {c["id"]: c for c in report["criteria"]}
    for text, card in zip(lines, report["scorecards"], strict=False):
        row = json.loads(text)
        assert text == json.dumps(row, separators=(",", ":"), ensure_ascii=False)  # compact
        assert (row["project"], row["score"], row["band"]) == (
            card["project"],
            card["score"],
            card["band"],
        )
        assert row["citations"] == card["citations"]
        assert "band_title" not in row and "band_meaning" not in row
        for mine, theirs in zip(row["criteria"], card["criteria"], strict=True):
            assert mine["id"] == theirs["id"] and mine["points"] == theirs["points"]
            assert {"title", "sources", "remediation"}.isdisjoint(mine)
            assert all("source_titles" not in f for f in mine["facts"])
            # whatever was left out is the criteria section's text, found there by id
            if theirs["remediation"] is not None:
                text_ = texts[mine["id"]]
                advice = text_["country_advice"].get(row["country_iso"])
                whole = f"{text_['remediation']} {advice}" if advice else text_["remediation"]
                assert theirs["remediation"] == whole
        # every other field of the JSON scorecard survives
        assert set(card) - set(row) == {"band_title", "band_meaning"}
        for rationale in (t["rationale"] for t in texts.values()):
            assert rationale not in text


def test_jsonl_streams_in_order_whatever_the_jobs(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    cset = load_criteria(SHIPPED)
    report = evaluate_paths([f.relative_to(ROOT) for f in files], cset, today=TODAY)
    rendered = get_renderer("jsonl")(report, RenderOptions())
    one = cli("projects/", "--format", "jsonl", "--jobs", "1")[1]
    two = cli("projects/", "--format", "jsonl", "--jobs", "2")[1]
    assert one == two == rendered


def test_jsonl_subprocess_to_file(tmp_path: Path) -> None:
    target = tmp_path / "cards.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskscore",
            "evaluate",
            "projects/",
            "-f",
            "jsonl",
            "-o",
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"RISKSCORE_TODAY": TODAY, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    with target.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    assert [r["slug"] for r in rows] == [p.stem for p in sorted(PROJECTS.glob("*.yaml"))]
