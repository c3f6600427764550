"""Nominal beside effective weights (riskscore/analysis/effective_weights.py), by hand.

tests/data/effective: one pillar, x weight 3, y weight 1, z weight 1 (nominal shares 60/20/20
%), four profiles stating every combination of x and y and z true on all, so the overall score
is 60x + 20y + 20: 100, 80, 40, 20 (mean 60, population variance 1000, sd 31.62).

x and y are independent with equal variance (1/4), so Var(score) = 60^2/4 + 20^2/4 = 1000 and
r_x^2 = 900/1000 = 0.9, r_y^2 = 100/1000 = 0.1: the effective shares are 90% and 10%, not the
nominal 75:25 of their weights (for independent criteria they go as the squared weights,
Paruolo, Saisana and Saltelli 2013). z scores 1 everywhere: it carries none of the variation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskscore.analysis.effective_weights import effective_weights, pearson
from riskscore.analysis.pipeline import evaluate_paths, open_criteria
from riskscore.commands.app import app
from riskscore.errors import UsageError

DATA = Path(__file__).parent / "data" / "effective"
CRITERIA = DATA / "criteria"
PROFILES = sorted((DATA / "profiles").glob("*.yaml"))
runner = CliRunner()


def _result(paths: list[Path] = PROFILES):  # type: ignore[no-untyped-def]
    cset = open_criteria(CRITERIA)
    return effective_weights(evaluate_paths(paths, cset).scorecards, cset)


def test_hand_computed_shares() -> None:
    result = _result()
    rows = {c.id: c for c in result.criteria}
    assert result.score_sd == pytest.approx(1000**0.5)
    assert [rows[c].nominal_share for c in "xyz"] == pytest.approx([0.6, 0.2, 0.2])
    assert rows["x"].r == pytest.approx(0.9**0.5)
    assert rows["y"].r == pytest.approx(0.1**0.5)
    assert [rows[c].effective_share for c in "xyz"] == pytest.approx([0.9, 0.1, 0.0])
    assert rows["z"].r is None
    assert rows["z"].note == "scores 1.00 on all 4 profiles where it applies"
    assert [rows[c].n for c in "xyz"] == [4, 4, 4]


def test_fewer_than_three_profiles_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least 3 profiles"):
        _result(PROFILES[:2])


def test_pearson_by_hand() -> None:
    assert pearson([1, 1, 0], [50, 100, 0]) == pytest.approx(3**0.5 / 2)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None


@given(
    st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=3, max_size=12),
    st.floats(0.1, 10),
    st.floats(-50, 50),
)
def test_pearson_ignores_scale_and_shift(pairs, scale, shift) -> None:  # type: ignore[no-untyped-def]
    """A criterion's effective share does not depend on its units: r is invariant under
    x -> a x + b for a > 0, and always in [-1, 1]."""
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    r = pearson(xs, ys)
    moved = pearson([scale * x + shift for x in xs], ys)
    if r is None or moved is None:
        return
    assert -1.0 <= r <= 1.0
    assert moved == pytest.approx(r, abs=1e-6)


def test_cli_json_markdown_and_table() -> None:
    args = ["criteria", "--effective", str(DATA / "profiles"), "--criteria", str(CRITERIA)]
    out = runner.invoke(app, [*args, "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [c["effective_share"] for c in data["criteria"]] == pytest.approx([0.9, 0.1, 0.0])
    assert data["profiles"] == ["p1", "p2", "p3", "p4"]
    out = runner.invoke(app, [*args, "-f", "markdown"])
    assert out.exit_code == 0, out.output
    assert "| x | a | 3 | 60.0% | 90.0% | +0.95 | 4 |  |" in out.output
    assert "measured on 4 profiles (p1, p2, p3, p4)" in out.output
    out = runner.invoke(app, [*args, "-f", "table"])
    assert out.exit_code == 0, out.output
    assert "90.0%" in out.output and "Effective share" in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["criteria", "--effective"], "--effective needs profile paths"),
        (["criteria", "projects/"], "only with --effective"),
        (["criteria", "--effective", "--facts", "projects/"], "cannot be combined"),
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], message: str) -> None:
    out = runner.invoke(app, args)
    assert out.exit_code == 2
    assert message in out.output


def test_subprocess_effective_markdown() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskscore",
            "criteria",
            "--effective",
            str(DATA / "profiles"),
            "--criteria",
            str(CRITERIA),
            "-f",
            "markdown",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| y | a | 1 | 20.0% | 10.0% | +0.32 | 4 |  |" in proc.stdout


def test_the_table_in_docs_weights_is_current() -> None:
    """docs/weights.md shows the nominal-vs-effective table of the shipped set on projects/."""
    from riskscore.load.discovery import discover_profiles
    from riskscore.render import RenderOptions
    from riskscore.render.effective_weights import render

    root = Path(__file__).resolve().parent.parent
    cset = open_criteria(root / "criteria")
    files = discover_profiles([str(root / "projects")])
    result = effective_weights(evaluate_paths(files, cset).scorecards, cset)
    text = (root / "docs" / "weights.md").read_text(encoding="utf-8")
    block = text.split("<!-- effective-weights:start -->\n", 1)[1].split(
        "<!-- effective-weights:end -->", 1
    )[0]
    assert block == render(result, "markdown", RenderOptions()), (
        "the effective-weights table in docs/weights.md is stale: run `make effective-weights`"
    )
