"""One figure reads the same in every output: scores and points at the set's printed rounding
(two decimals, `rounding.score_digits`), bands by their titles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.render.common import fmt_score, fmt_signed, printed
from tests.conftest import ALPHA_PROFILE as PROFILE
from tests.conftest import MINI


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"RISKSCORE_TODAY": "2026-11-23"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("value", "shown"), [(52.255, "52.26"), (80.31, "80.31"), (-0.4, "-0.40"), (0, "0.00")]
)
def test_printed_is_the_set_s_two_decimals_half_up(value: float, shown: str) -> None:
    assert printed(value) == fmt_score(value) == shown
    assert fmt_signed(value) == (shown if shown.startswith("-") else f"+{shown}")


def test_score_and_points_read_the_same_in_table_markdown_and_json(tmp_path: Path) -> None:
    path = tmp_path / "alpha.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    card = json.loads(run("evaluate", str(path), "-c", str(MINI), "-f", "json"))["scorecards"][0]
    score = f"{card['score']:.2f}"  # 80.31: (2 + 0.5)/3 of pillar a, 71.25 in pillar b
    assert score == "80.31"
    table = run("evaluate", str(path), "-c", str(MINI), "-f", "table")
    markdown = run("evaluate", str(path), "-c", str(MINI), "-f", "markdown")
    for text in (table, markdown):
        assert score in text and "80.3 " not in text and "80.3/" not in text
    levels = next(c for c in card["criteria"] if c["id"] == "c-levels")
    points = f"{levels['points']:.2f}/{levels['max_points']:.2f}"
    assert points in table and points in markdown


def test_diff_and_history_name_bands_by_title(tmp_path: Path) -> None:
    from tests.test_diff import copy_set

    old, new = copy_set(MINI, tmp_path / "old"), copy_set(MINI, tmp_path / "new")
    (new / "c-levels.yaml").write_text(
        (new / "c-levels.yaml").read_text(encoding="utf-8").replace("weight: 1", "weight: 9"),
        encoding="utf-8",
    )
    path = tmp_path / "alpha.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    out = run("diff", str(old), str(new), str(path), "-f", "markdown")
    row = next(line for line in out.splitlines() if line.startswith("| Alpha"))
    # pillar a (2 + 9 x 0.5)/11 -> 59.09, so 0.75 x 59.09 + 17.81 = 62.13: Good -> Weak
    cells = [c.strip() for c in row.split("|")]
    assert cells[3:9] == ["80.31", "62.13", "-18.18", "-18.18", "0.00", "Good → Weak"]
