"""`--format xlsx`: the workbook is read back with openpyxl and matches the JSON scorecards."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from riskscore.analysis.portfolio import rank_key
from riskscore.commands.app import app
from riskscore.load.criteria.loader import load_criteria
from tests.conftest import ROOT, SHIPPED

TODAY = "2026-11-23"
SHEETS = ["Ranking", "Scores", "Status", "Results", "Facts", "Criteria"]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["evaluate", *args], env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    head = values[0]
    return [dict(zip(head, row, strict=True)) for row in values[1:] if any(row)]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[openpyxl.Workbook, dict]:
    target = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        code, out, err = cli("projects/", "-f", "xlsx", "-o", str(target))
        assert (code, out) == (0, ""), err
        data = json.loads(cli("projects/", "-f", "json")[1])
    return openpyxl.load_workbook(target), data


def test_ranking_matches_the_json_scorecards(workbook: tuple[openpyxl.Workbook, dict]) -> None:
    book, data = workbook
    assert book.sheetnames == SHEETS
    ranking = rows(book["Ranking"])
    # The one ranking (analysis.portfolio, issue 19 P10): band first, then score.
    bands = data["scorecards"][0]["criteria_set"]["bands"]
    cards = sorted(
        data["scorecards"],
        key=lambda c: rank_key(c["band"], bands, c["score"], c["project"], c["path"]),
    )
    assert [r["rank"] for r in ranking] == list(range(1, len(cards) + 1))
    for row, card in zip(ranking, cards, strict=True):
        assert (row["project"], row["score"], row["band"], row["coverage"]) == (
            card["project"],
            card["score"],
            card["band"],
            card["coverage"],
        )
        assert row["red_flags"] == ("; ".join(f["criterion"] for f in card["flags"]) or None)
        for pillar in card["pillars"]:
            assert row[f"pillar_{pillar['id']}"] == pillar["score"]


def test_matrices_and_results(workbook: tuple[openpyxl.Workbook, dict]) -> None:
    book, data = workbook
    scores = {r["project"]: r for r in rows(book["Scores"])}
    statuses = {r["project"]: r for r in rows(book["Status"])}
    results = {(r["project"], r["criterion"]): r for r in rows(book["Results"])}
    for card in data["scorecards"]:
        for crit in card["criteria"]:
            assert scores[card["project"]][crit["id"]] == crit["score"]
            assert statuses[card["project"]][crit["id"]] == crit["status"]
            row = results[(card["project"], crit["id"])]
            assert (row["points"], row["max_points"], row["explanation"]) == (
                crit["points"],
                crit["max_points"],
                crit["explanation"],
            )
    assert len(results) == sum(len(c["criteria"]) for c in data["scorecards"])


def test_facts_carry_sources_and_links(workbook: tuple[openpyxl.Workbook, dict]) -> None:
    book, data = workbook
    sheet = book["Facts"]
    facts = rows(sheet)
    reko = next(c for c in data["scorecards"] if c["slug"] == "reko-diq")
    stated = {f["id"]: f for crit in reko["criteria"] for f in crit["facts"] if f["known"]}
    mine = {r["fact"]: (i, r) for i, r in enumerate(facts, start=2) if r["project"] == "Reko Diq"}
    linked = 0
    for fid, fact in stated.items():
        line, row = mine[fid]
        assert row["sources"] == "; ".join(fact["sources"])
        cites = {c["id"]: c for c in reko["citations"]}
        urls = [cites[k]["url"] for k in fact["sources"] if cites[k]["url"]]
        cell = sheet.cell(line, 9)
        if urls:
            assert cell.hyperlink is not None and cell.hyperlink.target == urls[0]
            linked += 1
    assert linked > 10


def test_criteria_sheet_has_the_weights(workbook: tuple[openpyxl.Workbook, dict]) -> None:
    book, _ = workbook
    cset = load_criteria(SHIPPED)
    pillars = {p.id: float(p.weight) for p in cset.header.pillars}
    sheet = rows(book["Criteria"])
    by_id = {r["criterion"]: r for r in sheet if r["criterion"] in {c.id for c in cset.criteria}}
    assert set(by_id) == {c.id for c in cset.criteria}
    for c in cset.criteria:
        assert by_id[c.id]["weight"] == float(c.weight)
        assert by_id[c.id]["pillar weight"] == pillars[c.pillar]
        assert (by_id[c.id]["red flag"] is None) is (c.gate is None)


def test_binary_needs_output_and_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli("projects/reko-diq.yaml", "-f", "xlsx")
    assert (code, out) == (2, "") and "give --output FILE" in err
    code, _, err = cli("projects/reko-diq.yaml", "-f", "xlsx", "-o", str(tmp_path / "no/r.xlsx"))
    assert code == 2 and "does not exist" in err
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # as if not installed
    target = tmp_path / "r.xlsx"
    code, _, err = cli("projects/reko-diq.yaml", "-f", "xlsx", "-o", str(target))
    assert code == 2 and "pip install 'riskscore[xlsx]'" in err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_same_report_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for name in ("a.xlsx", "b.xlsx"):
        assert cli("projects/", "-f", "xlsx", "-o", str(tmp_path / name))[0] == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
