"""P10 One ranking everywhere (issue 19): table, markdown, the HTML summary, its per-project
headings, its weight-sensitivity sentence and its rank chart, the XLSX Ranking sheet and
`riskscore sensitivity` all print the order and ranks of analysis.portfolio.ranks(): best band
first, then score. Evidence is shown (a provisional mark), never a re-ordering.

On the shipped profiles before this fix the table, markdown and HTML summary put the one
profile with sufficient evidence first, while XLSX, `sensitivity` and the rank chart put the
highest band first, and one HTML page read "1. Reko Diq ... Rank 2 of 10".
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from riskscore.analysis.pipeline import load_profiles, make_report
from riskscore.analysis.portfolio import competition_ranks, rank_key, ranks
from riskscore.commands.app import app
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.discovery import discover_profiles
from riskscore.render import RenderOptions, get_renderer
from tests.conftest import PROJECTS, ROOT

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def cards(shipped: CriteriaSet) -> list[Scorecard]:
    profiles = load_profiles(discover_profiles([str(PROJECTS)]), shipped)
    return [evaluate(p, shipped, TODAY) for p in profiles]


@pytest.fixture(scope="module")
def expected(cards: list[Scorecard]) -> list[tuple[int, str]]:
    return [(rank, card.project) for rank, card in ranks(cards)]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def test_the_one_ranking_is_band_then_score_whatever_the_evidence(
    cards: list[Scorecard], expected: list[tuple[int, str]]
) -> None:
    """Hand-checkable: the order is sorted by (band, -score), and evidence does not enter it:
    a provisional band in a better band outranks a sufficient one in a worse band (the case
    built below; an evidence-first order would swap them)."""
    by_name = {c.project: c for c in cards}
    bands = cards[0].criteria_set.bands
    keys = [(bands.index(by_name[n].band), -by_name[n].score) for _, n in expected]
    assert keys == sorted(keys)
    worse, better = sorted(cards, key=lambda c: bands.index(c.band))[-1], cards[0]
    provisional = better.model_copy(
        update={"band": bands[0], "evidence_sufficient": False, "project": "A provisional"}
    )
    stated = worse.model_copy(
        update={"band": bands[-1], "evidence_sufficient": True, "project": "B stated"}
    )
    order = [card.project for _, card in ranks([stated, provisional])]
    assert order == ["A provisional", "B stated"]


def test_competition_ranks_by_hand() -> None:
    bands = ["good", "weak"]
    keys = [
        rank_key("weak", bands, 80.0, "A", "a"),
        rank_key("good", bands, 50.0, "B", "b"),
        rank_key("good", bands, 50.0, "C", "c"),
        rank_key("good", bands, 60.0, "D", "d"),
    ]
    assert competition_ranks(keys) == [4, 2, 2, 1]


def test_table_and_markdown_print_the_one_ranking(
    cards: list[Scorecard], shipped: CriteriaSet, expected: list[tuple[int, str]]
) -> None:
    report = make_report(cards, shipped)
    wide = RenderOptions(width=400)
    table = get_renderer("table")(report, wide)
    rows = re.findall(r"│\s+(\d+) │ (.+?)\s+│", table)
    assert [(int(r), n) for r, n in rows] == expected
    markdown = get_renderer("markdown")(report, wide)
    md_rows = re.findall(r"^\| (\d+) +\| (.+?) +\|", markdown, flags=re.M)
    assert [(int(r), n) for r, n in md_rows] == expected


def test_xlsx_ranking_sheet_prints_the_one_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: list[tuple[int, str]]
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "r.xlsx"
    code, _, err = cli("evaluate", "projects/", "-f", "xlsx", "-o", str(target))
    assert code == 0, err
    sheet = openpyxl.load_workbook(target)["Ranking"]
    values = list(sheet.iter_rows(values_only=True))
    head = values[0]
    got = [(row[head.index("rank")], row[head.index("project")]) for row in values[1:]]
    assert got == expected


def test_sensitivity_and_the_html_report_print_the_one_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: list[tuple[int, str]]
) -> None:
    pytest.importorskip("SALib")
    import json

    monkeypatch.chdir(ROOT)
    code, out, err = cli("sensitivity", "projects/", "-n", "8", "--resamples", "10", "-f", "json")
    assert code == 0, err
    got = [(p["baseline_rank"], p["project"]) for p in json.loads(out)["projects"]]
    assert got == expected

    page = tmp_path / "r.html"
    code, _, err = cli(
        "report", "projects/", "-o", str(page), "--samples", "20", "--uncertainty-samples", "8"
    )
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    summary = text[text.index('<section id="summary">') :]
    rows = re.findall(
        r'data-label="Rank">(\d+)</td>\s*<td data-label="Project"><a href="#[^"]+">([^<]+)</a>',
        summary,
    )
    assert [(int(r), html.unescape(n)) for r, n in rows] == expected
    headings = re.findall(r"<h2>(\d+)\. ([^<]+)</h2>", text)
    assert [(int(r), html.unescape(n)) for r, n in headings] == expected
    # Each project's weight-sensitivity sentence names the rank of its heading.
    sentences = [int(r) for r in re.findall(r"Rank (\d+) of\s+\d+ at the set's weights", text)]
    assert sentences == [r for r, _ in expected]
    # The rank chart lists the projects in the same order, each at its rank.
    chart = re.findall(r"<title>([^<]+?): rank [\d.]+ to [\d.]+ in 90% of runs", text)
    assert [html.unescape(n) for n in chart] == [n for _, n in expected]
