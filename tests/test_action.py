"""action.yml (a composite GitHub Action) and the workflow that uses it: structure, and its
shell steps run for real in a scratch repository, as the runner would run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.test_diff_changes import history  # noqa: F401 (fixture)

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
GITHUB_VARS = {"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"}
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")
"""A third-party action pinned by full commit SHA (zizmor's unpinned-uses), not a movable tag."""


def test_metadata_and_inputs_are_used() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    text = yaml.safe_dump(ACTION["runs"])
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(ACTION["inputs"])  # every input is used, and only declared ones
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec and spec["required"] is False, name
    ids = {s["id"] for s in STEPS if "id" in s}
    for name, out in ACTION["outputs"].items():
        (ref,) = re.findall(r"steps\.([a-z-]+)\.outputs", out["value"])
        assert ref in ids, name


def test_each_step_is_valid() -> None:
    for step in STEPS:
        assert step.get("name"), step
        assert ("run" in step) != ("uses" in step), step["name"]
        if "uses" in step:
            assert PINNED.fullmatch(step["uses"]), step["uses"]
            continue
        assert step["shell"] == "bash", step["name"]
        # contexts reach the script only through env (GitHub's script-injection advice)
        assert "${{" not in step["run"], step["name"]
        env = set(step.get("env", {}))
        referenced = set(re.findall(r"\$\{?([A-Z][A-Z_]+)", step["run"]))
        assert referenced <= env | GITHUB_VARS, (step["name"], referenced - env)
        assert env <= referenced, (step["name"], env - referenced)
    uploads = [
        s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    ]
    assert (
        len(uploads) == 1
        and "steps.evaluate.outputs.sarif-file" in uploads[0]["with"]["sarif_file"]
    )
    assert STEPS[-1]["id"] == "verdict"  # the gates fail the job last, after summary and upload


def _expand(value: str, inputs: dict[str, str], context: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        return context.get(expr, "")

    return EXPR.sub(one, str(value))


def run_action(repo: Path, tmp: Path, **overrides: str) -> tuple[int, str, dict[str, str]]:
    """The shell steps in order (install and `uses` steps skipped: riskscore is installed).

    Returns the verdict's exit code, the job summary, and every step output.
    """
    inputs = {k: str(v["default"]) for k, v in ACTION["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in overrides.items()})
    context = {"runner.temp": str(tmp), "github.base_ref": "", "github.action_path": str(ROOT)}
    summary = tmp / "summary.md"
    summary.write_text("")
    outputs: dict[str, str] = {}
    code = 0
    for step in STEPS:
        if "run" not in step or step["name"] == "Install riskscore":
            continue
        out_file = tmp / f"out-{step.get('id', 'x')}"
        out_file.write_text("")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(out_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RISKSCORE_TODAY": "2026-11-23",
        }
        env.update({k: _expand(v, inputs, context) for k, v in step.get("env", {}).items()})
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in out_file.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[f"{step.get('id')}.{key}"] = value
            context[f"steps.{step.get('id')}.outputs.{key}"] = value
        code = done.returncode
        if code != 0:
            break
    return code, summary.read_text(), outputs


def test_the_steps_run_in_a_repository(history: Path, tmp_path: Path) -> None:  # noqa: F811
    code, summary, outputs = run_action(history, tmp_path, base="HEAD~2")
    assert code == 0
    sarif = json.loads(Path(outputs["evaluate.sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0"
    assert "## riskscore diff" in summary and "Causes: criteria change -5.00" in summary
    assert "Alpha" in summary.split("## riskscore diff")[0]  # the scorecards come first
    assert outputs["verdict.exit-code"] == "0"

    code, summary, outputs = run_action(
        history, tmp_path, base="HEAD~2", max_delta="15", fail_on_fact_change="true"
    )
    assert code == 1 and outputs["diff.code"] == "1" and outputs["verdict.exit-code"] == "1"
    code, _, outputs = run_action(history, tmp_path, base="none", fail_under="90")
    assert code == 1 and outputs["evaluate.code"] == "1" and outputs["diff.code"] == "0"


def test_the_profiles_are_scored_once() -> None:
    """One `riskscore evaluate` writes the SARIF, the job summary and the log (issue 21)."""
    (step,) = [s for s in STEPS if s.get("id") == "evaluate"]
    assert step["run"].count("riskscore evaluate") == 1
    assert '--output "sarif=$SARIF"' in step["run"]


@pytest.mark.parametrize("fmt", ["github", "markdown", "sarif"])
def test_the_log_format_and_a_baseline(history: Path, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    baseline = tmp_path / "baseline.json"
    made = subprocess.run(
        [sys.executable, "-m", "riskscore", "evaluate", "projects/", "--create-baseline",
         str(baseline), "--format", "json"],
        cwd=history, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    code, summary, outputs = run_action(
        history, tmp_path, base="none", format=fmt, baseline=str(baseline)
    )
    assert code == 0 and outputs["evaluate.code"] == "0"
    assert summary.startswith("# riskscore") and "Against baseline" in summary
    sarif = json.loads(Path(outputs["evaluate.sarif-file"]).read_text())
    states = {r["baselineState"] for r in sarif["runs"][0]["results"]}
    assert states <= {"unchanged"}


def test_bad_input_stops_at_once(history: Path, tmp_path: Path) -> None:  # noqa: F811
    code, _, outputs = run_action(history, tmp_path, paths="nowhere/")
    assert code == 2 and "evaluate.sarif-file" not in outputs


def test_the_workflow_uses_the_action() -> None:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "riskscore.yml").read_text())
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    paths = trigger["pull_request"]["paths"]
    for wanted in (
        "criteria/**",
        "countries/**",
        "projects/**",
        "riskscore/**",
        "tests/**",
        "action.yml",
    ):
        assert wanted in paths
    assert flow["permissions"] == {"contents": "read", "security-events": "write"}
    (job,) = flow["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False  # zizmor's artipacked
    for step in steps:
        assert step.get("uses") in (None, "./") or PINNED.fullmatch(step["uses"]), step
    assert "python -m pytest -q" in "\n".join(s.get("run", "") for s in steps)
    (mine,) = [s for s in steps if s.get("uses") == "./"]
    assert set(mine["with"]) <= set(ACTION["inputs"])
    assert mine["with"]["max-delta"] == "10" and mine["if"] == "${{ !cancelled() }}"


def test_every_pin_names_its_tag() -> None:
    """A SHA pin carries the release it stands for in a comment, for reviewers and Dependabot."""
    for path in (ROOT / "action.yml", ROOT / ".github" / "workflows" / "riskscore.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith(("uses:", "- uses:")) and "@" in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_the_pre_commit_hook_sees_country_files() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    files = re.compile(hook["files"])
    for path in ("countries/pk.yaml", "criteria/base/set.yaml", "projects/saindak.yaml"):
        assert files.search(path), path
    assert not files.search("docs/countries.md")
