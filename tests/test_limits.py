"""Every format keeps its consumer's documented limits and says what it left out (issue 22
section 2), and the output items of issue 21 that live in the same writers.

Each limit is checked at its real size on a synthetic portfolio made here (copies of one mini
scorecard under other names and paths), not on a shipped file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import xmlschema
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths, make_report, open_criteria
from riskscore.commands.app import app
from riskscore.engine.scorecard import (
    Report,
    Scorecard,
    criterion_definitions,
    set_info,
)
from riskscore.render import (
    RenderOptions,
    junit,
    markdown,
    sarif,
    sarif_limit,
    sarif_rules,
    xlsx_format,
)
from tests.conftest import MINI, ROOT, mini_profile

TODAY = "2026-11-23"
XSD = xmlschema.XMLSchema(ROOT / "tests" / "data" / "junit" / "junit-10.xsd")
runner = CliRunner()


@pytest.fixture(scope="module")
def mini_card(tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    """One mini scorecard with a verified red flag, unmet and partial criteria."""
    path = tmp_path_factory.mktemp("mini") / "p.yaml"
    path.write_text(mini_profile("flag: false\nlevel: low\nrisk: severe"), encoding="utf-8")
    return evaluate_paths([path], open_criteria(MINI), TODAY).scorecards[0]


def portfolio(card: Scorecard, n: int, **update: object) -> Report:
    """`n` copies of `card`, each its own project and path."""
    cards = [
        card.model_copy(update={"project": f"P{i:05}", "path": f"in/p{i:05}.yaml", **update})
        for i in range(n)
    ]
    return make_report(cards, open_criteria(MINI))


# --- SARIF: 25,000 results per run ------------------------------------------------------------


@pytest.fixture(scope="module")
def big_sarif(mini_card: Scorecard) -> tuple[dict, list[str], int]:
    per_card = len(
        json.loads(sarif.render(portfolio(mini_card, 1), RenderOptions()))["runs"][0]["results"]
    )
    n = sarif_limit.MAX_RESULTS // per_card + 50  # past the limit by 50 cards' worth
    notes: list[str] = []
    text = sarif.render(portfolio(mini_card, n), RenderOptions(notes=notes))
    return json.loads(text), notes, n * per_card


def test_sarif_keeps_at_most_25000_results_most_severe_first(
    big_sarif: tuple[dict, list[str], int], mini_card: Scorecard
) -> None:
    log, notes, total = big_sarif
    run = log["runs"][0]
    results = run["results"]
    assert total > sarif_limit.MAX_RESULTS == 25_000
    assert len(results) == 25_000
    # Every result of a more severe rank is kept before any of a less severe one.
    ranks = Counter(sarif_limit.severity(r) for r in results)
    one = json.loads(sarif.render(portfolio(mini_card, 1), RenderOptions()))["runs"][0]
    per_card = Counter(sarif_limit.severity(r) for r in one["results"])
    cards = total // sum(per_card.values())
    kept_all = [rank for rank in sorted(per_card) if ranks[rank] == per_card[rank] * cards]
    cut = [rank for rank in sorted(per_card) if ranks[rank] < per_card[rank] * cards]
    assert cut and max(kept_all) < min(cut)
    assert all(ranks[rank] == 0 for rank in cut[1:])
    # ...and says what it left out: in the run and on stderr.
    left = run["properties"]["resultsLeftOut"]
    assert left["count"] == total - 25_000 and left["limit"] == 25_000
    assert sum(v for k, v in left.items() if k not in ("count", "limit")) == left["count"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert (
        note["level"] == "warning" and f"{total - 25_000:,} of {total:,}" in note["message"]["text"]
    )
    assert notes == [note["message"]["text"]]


def test_sarif_cut_is_deterministic_and_in_input_order(
    big_sarif: tuple[dict, list[str], int],
) -> None:
    results = big_sarif[0]["runs"][0]["results"]
    paths = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert paths == sorted(paths)  # input order kept among the kept results


def test_sarif_within_the_limit_says_nothing(mini_card: Scorecard) -> None:
    notes: list[str] = []
    run = json.loads(sarif.render(portfolio(mini_card, 3), RenderOptions(notes=notes)))["runs"][0]
    assert "resultsLeftOut" not in run["properties"] and "invocations" not in run
    assert notes == []


def test_sarif_left_out_is_valid_sarif_and_one_stderr_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsonschema import Draft7Validator

    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-schema.json").read_text("utf-8"))
    for i in range(3):
        path = tmp_path / f"p{i}.yaml"
        path.write_text(mini_profile("flag: false\nlevel: low\nrisk: severe"), encoding="utf-8")
    monkeypatch.setattr(sarif_limit, "MAX_RESULTS", 4)
    result = runner.invoke(
        app,
        ["evaluate", str(tmp_path), "-c", str(MINI), "-f", "sarif"],
        env={"RISKSCORE_TODAY": TODAY},
    )
    assert result.exit_code == 0, result.stderr
    log = json.loads(result.stdout)
    Draft7Validator(schema).validate(log)
    assert len(log["runs"][0]["results"]) == 4
    lines = [line for line in result.stderr.splitlines() if "results left out" in line]
    assert len(lines) == 1 and lines[0].startswith("riskscore: note: 14 of 18 results left out")


# --- SARIF helpUri --------------------------------------------------------------------------


def test_every_sarif_rule_links_to_its_reference_entry(
    mini_card: Scorecard, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = make_report([], open_criteria(ROOT / "criteria"))
    doc = (ROOT / "docs" / "criteria-reference.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', doc))
    base = "https://example.org/riskscore/blob/main/docs/criteria-reference.md"
    monkeypatch.setattr(sarif_rules, "reference_url", lambda: base)
    rules = json.loads(sarif.render(shipped, RenderOptions()))["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        url, _, anchor = rule["helpUri"].partition("#")
        assert url == base and anchor in anchors, rule["id"]
        assert rule["properties"]["reference"] == f"docs/criteria-reference.md#{anchor}"
        assert anchor == "criterion-" + rule["id"].removesuffix("/red-flag")


def test_without_a_declared_url_rules_carry_the_relative_reference(mini_card: Scorecard) -> None:
    rules = json.loads(sarif.render(portfolio(mini_card, 1), RenderOptions()))["runs"][0]
    for rule in rules["tool"]["driver"]["rules"]:
        assert rule["properties"]["reference"].startswith("docs/criteria-reference.md#criterion-")
        assert "helpUri" not in rule or rule["helpUri"].startswith(("https://", "http://"))


# --- Markdown: under 1 MiB for $GITHUB_STEP_SUMMARY -------------------------------------------


def test_markdown_stays_under_a_job_summarys_limit_and_says_what_it_left_out(
    mini_card: Scorecard,
) -> None:
    long = "A long explanation. " * 400  # ~8 kB per criterion
    card = mini_card.model_copy(
        update={
            "criteria": [c.model_copy(update={"explanation": long}) for c in mini_card.criteria]
        }
    )
    report = portfolio(card, 60)
    notes: list[str] = []
    text = markdown.render(report, RenderOptions(notes=notes))
    size = len(text.encode("utf-8"))
    assert size <= markdown.MAX_BYTES < 1 << 20
    whole = sum(len(markdown.scorecard_section(c, 2).encode("utf-8")) for c in report.scorecards)
    assert whole > 1 << 20  # without the cut, GitHub would drop the summary
    shown = re.findall(r"^## (P\d{5}) ", text, re.M)
    assert 0 < len(shown) < 60
    assert shown == [f"P{i:05}" for i in range(len(shown))]  # whole sections, in input order
    assert all(f"| P{i:05} " in text for i in range(60))  # the ranking has every project
    last = text.rstrip("\n").splitlines()[-1]
    assert (
        last == f"_{60 - len(shown)} of 60 project sections left out to keep this markdown "
        f"under {markdown.MAX_BYTES:,} bytes (GitHub shows no job summary over 1 MiB); the "
        "ranking above has every project, and `--format json` or `--format sarif` every finding._"
    )
    assert notes == [last.strip("_")]
    # Each kept section is whole: its last table row (the last criterion) is there.
    assert text.count(f"`{card.criteria[-1].id}`") == len(shown)


def test_markdown_under_the_limit_is_unchanged(mini_card: Scorecard) -> None:
    notes: list[str] = []
    text = markdown.render(portfolio(mini_card, 3), RenderOptions(notes=notes))
    assert notes == [] and "left out" not in text and len(re.findall(r"^## P", text, re.M)) == 3


# --- XLSX: 65,530 links per sheet, no raw warnings ------------------------------------------


def test_xlsx_links_past_excels_limit_are_text_and_said(recwarn: pytest.WarningsRecorder) -> None:
    """At Excel's real limit, on the one writer of links (a sheet of link cells only, so the
    test writes 65,550 cells rather than a whole workbook); read back from the file's XML."""
    import xlsxwriter

    n = xlsx_format.MAX_URLS + 20
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning XlsxWriter emits would fail the test
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        fmt = {name: book.add_format() for name in ("head", "num", "link")}
        sheet = xlsx_format._Sheet(book.add_worksheet("Facts"), ["link"], fmt)
        for i in range(n):
            sheet.add([f"T{i}"], link=f"https://example.org/{i}")
        sheet.close()
        book.close()
    assert len(recwarn) == 0
    assert sheet.as_text == 20
    with zipfile.ZipFile(buffer) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    assert xml.count("<hyperlink ") == xlsx_format.MAX_URLS == 65_530
    assert rels.count("https://example.org/") == 65_530
    assert f"<t>T{n - 1} &lt;https://example.org/{n - 1}&gt;</t>" in xml  # kept, as text
    assert xml.count("<row ") == n + 1  # no row is dropped


def test_xlsx_text_past_a_cells_limit_is_cut_and_said(mini_card: Scorecard) -> None:
    long = "x" * 40_000
    crits = [
        mini_card.criteria[0].model_copy(update={"explanation": long}),
        *mini_card.criteria[1:],
    ]
    cset = open_criteria(MINI)
    buffer, notes = io.BytesIO(), []
    card = mini_card.model_copy(update={"criteria": crits})
    xlsx_format.write(buffer, [card], criterion_definitions(cset), set_info(cset), notes=notes)
    results = list(openpyxl.load_workbook(buffer)["Results"].iter_rows(values_only=True))
    text = next(r[-1] for r in results if r[1] == crits[0].id)
    assert len(text) == 32_767 and text.endswith(" […]") and text.startswith("x" * 30_000)
    assert notes == [
        "1 text cells were cut to Excel's 32,767 characters per cell, ending with '[…]'; "
        "--format json has the whole text."
    ]


def test_xlsx_cli_says_so_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_format, "MAX_URLS", 1)
    path = tmp_path / "p.yaml"
    path.write_text(
        "project: {name: M, country: X}\nsources:\n"
        "  s1: {title: A, url: 'https://example.org/a'}\n"
        "  s2: {title: B, url: 'https://example.org/b'}\n"
        "facts:\n  flag: {value: true, source: s1}\n  level: {value: low, source: s2}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["evaluate", str(path), "-c", str(MINI), "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "riskscore: note: The Facts sheet has 1 source links written as plain text" in result.stderr
    )
    assert f"riskscore: wrote {out}" in result.stderr
    assert "Warning" not in result.stderr and "warn" not in result.stderr.lower()


# --- XLSX print setup, ranges as numbers, as_of as a date (issue 21) ---------------------------


@pytest.fixture(scope="module")
def shipped_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("book") / "r.xlsx"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = runner.invoke(
            app,
            ["evaluate", "projects/", "-f", "xlsx", "-o", str(out)],
            env={"RISKSCORE_TODAY": TODAY},
        )
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(out)


def test_every_sheet_prints_landscape_one_page_wide_with_its_header(
    shipped_book: openpyxl.Workbook,
) -> None:
    for sheet in shipped_book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # fitToWidth 1 is the schema's default, which XlsxWriter leaves out (None here).
        assert sheet.page_setup.fitToWidth in (1, None), sheet.title
        assert sheet.page_setup.fitToHeight == 0, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title


def test_ranking_has_numeric_ranges_and_a_date(shipped_book: openpyxl.Workbook) -> None:
    sheet = shipped_book["Ranking"]
    head = [c.value for c in sheet[1]]
    assert "score_range" not in head and "band_range" not in head
    assert head.index("score_high") == head.index("score_low") + 1
    rows = list(sheet.iter_rows(min_row=2))
    for row in rows:
        cells = dict(zip(head, row, strict=True))
        low, high = cells["score_low"].value, cells["score_high"].value
        assert isinstance(low, float) and isinstance(high, float) and low <= high
        assert cells["as_of"].is_date and isinstance(cells["as_of"].value, dt.datetime)
    reko = next(r for r in rows if r[head.index("project")].value == "Reko Diq")
    as_of = json.loads(
        runner.invoke(
            app, ["evaluate", str(ROOT / "projects" / "reko-diq.yaml"), "-f", "json"]
        ).stdout
    )["scorecards"][0]["as_of"]
    assert reko[head.index("as_of")].value.date().isoformat().startswith(as_of)


def test_a_partial_date_keeps_its_precision() -> None:
    assert xlsx_format._date("2024") == xlsx_format._Date(dt.datetime(2024, 1, 1), 1)
    assert xlsx_format._date("2024-05") == xlsx_format._Date(dt.datetime(2024, 5, 1), 2)
    assert xlsx_format._date("2024-05-31") == xlsx_format._Date(dt.datetime(2024, 5, 31), 3)
    assert xlsx_format._date(None) is None and xlsx_format._date("soon") == "soon"


# --- JUnit: Jenkins' junit-10.xsd and unique test identities -----------------------------------


def test_junit_validates_against_jenkins_schema(mini_card: Scorecard) -> None:
    text = (ROOT / "tests" / "test_formats" / "portfolio_junit.xml").read_text(encoding="utf-8")
    XSD.validate(text)
    XSD.validate(junit.render(portfolio(mini_card, 3), RenderOptions()))
    XSD.validate(junit.render(portfolio(mini_card, 0), RenderOptions()))


def test_junit_test_identities_are_unique_across_projects(tmp_path: Path) -> None:
    # Two profiles with one project name (and one file name) in different folders.
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.yaml").write_text(
            mini_profile("flag: false\nlevel: low\nrisk: severe"), encoding="utf-8"
        )
    result = runner.invoke(
        app, ["evaluate", str(tmp_path / "a"), str(tmp_path / "b"), "-c", str(MINI), "-f", "junit"]
    )
    assert result.exit_code == 0, result.stderr
    XSD.validate(result.stdout)
    doc = XSD.to_dict(result.stdout)
    cases = [
        (case["@classname"], case["@name"])
        for suite in doc["testsuite"]
        for case in suite["testcase"]
    ]
    assert len(cases) == len(set(cases)) > 2
    assert {suite["@name"] for suite in doc["testsuite"]} == {"Test"}
    assert all(c.startswith(str(tmp_path)) for c, _ in cases)


# --- JSON / JSONL: citations as a list of objects (issue 21) ---------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_citations_are_a_list_of_objects_with_their_id(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["evaluate", "projects/reko-diq.yaml", "-f", fmt])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    card = json.loads(text)["scorecards"][0] if fmt == "json" else json.loads(text.splitlines()[0])
    cites = card["citations"]
    assert isinstance(cites, list) and len(cites) > 10
    assert all(set(c) == {"id", "title", "url", "ref", "date", "kind"} for c in cites)
    ids = [c["id"] for c in cites]
    assert len(ids) == len(set(ids))
    cited = {s for crit in card["criteria"] for f in crit["facts"] for s in f["sources"]}
    assert cited <= set(ids)
    if fmt == "jsonl":  # a line leaves out the criteria's text; the model needs it
        return
    # The model reads its own output back, and keeps the lookup by id in Python.
    back = Scorecard.model_validate(card)
    assert set(back.citations) == set(ids) and back.citations[ids[0]].title == cites[0]["title"]
