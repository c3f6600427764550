"""Every output carries a fact's quoted passages and an unknown fact's search (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths, open_criteria
from riskscore.commands.app import app
from riskscore.engine.scorecard import Report
from riskscore.load.criteria.models import Source
from riskscore.render import RenderOptions, get_renderer
from riskscore.render.reference import criterion_markdown, explain_text
from tests.conftest import DATA, ROOT

PROFILE = Path("tests/data/quotes/quoted.yaml")
TODAY = "2026-12-06"
runner = CliRunner()


@pytest.fixture(scope="module")
def report() -> Report:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the output names tests/data/quotes/quoted.yaml, wherever pytest runs
        return evaluate_paths([PROFILE], open_criteria(DATA / "mini"), today=TODAY)


def _render(fmt: str, report: Report, **options: object) -> str:
    return get_renderer(fmt)(report, RenderOptions(**options))  # type: ignore[arg-type]


def test_json_keeps_each_passage_as_an_object_and_the_searches(report: Report) -> None:
    card = json.loads(_render("json", report))["scorecards"][0]
    uses = {f["id"]: f for c in card["criteria"] for f in c["facts"]}
    assert uses["level"]["citations"] == [
        {
            "ref": "gazette",
            "quote": "منصوبے کی سطح درمیانی ہے",
            "locator": "Notice 12/2025",
            "accessed": "2026-11-30",
            "translation": "The project's level is middling.",
        }
    ]  # annual-report, cited without a passage, stays in `sources` only
    assert uses["level"]["sources"] == ["gazette", "annual-report"]
    assert uses["n_a"]["citations"] == []
    assert card["searched"] == [
        {
            "fact": "share",
            "what": "Company annual reports 2021-2025; provincial labour department statistics",
            "accessed": "2026-12-02",
            "note": "nothing public found",
            "origin": None,
        }
    ]
    line = json.loads(_render("jsonl", report))
    assert line["searched"] == card["searched"]
    assert [f["citations"] for c in line["criteria"] for f in c["facts"]] == [
        f["citations"] for c in card["criteria"] for f in c["facts"]
    ]


def test_markdown_shows_passages_under_their_fact_as_literal_text(
    report: Report, file_regression
) -> None:
    text = _render("markdown", report)
    # the passage's link and emphasis are shown, not rendered: no clickable javascript: link
    assert "[summary](javascript" not in text
    assert (
        r"\[summary\]\(javascript:alert\(1\)\) is \*published\* \| grade \<0.5% \& rising." in text
    )
    file_regression.check(text, extension=".md")


def test_verbose_table_prints_passages_and_searches_the_default_does_not(
    report: Report, file_regression
) -> None:
    verbose = _render("table", report, width=100, verbose=True, full=True)
    assert "accessed 2026-12-01" in verbose
    assert "share: searched Company annual reports" in verbose
    plain = _render("table", report, width=100, full=True)
    assert "accessed 2026-12-01" not in plain and "searched Company" not in plain
    file_regression.check(verbose, extension=".txt")


def test_html_folds_each_passage_under_its_fact_escaped(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(
        app,
        ["report", str(ROOT / PROFILE), "--criteria", str(DATA / "mini"), "-o", str(out)],
    )
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert (
        '<details class="quote"><summary>Quoted evidence for flag</summary><blockquote>'
        "&#34;The security plan [summary](javascript:alert(1)) is *published* | grade &lt;0.5% "
        "&amp; rising.&#34; — annual-report, p. 41, para. 3, accessed 2026-12-01</blockquote>"
    ) in html
    assert (
        "share (unknown): searched Company annual reports 2021-2025; provincial labour "
        "department statistics, nothing public found, 2026-12-02"
    ) in html


def test_explain_shows_a_standard_citations_clause_and_passage() -> None:
    cset = open_criteria(DATA / "mini")
    crit = cset.criterion("c-levels")
    cited = Source.model_validate(
        {
            "kind": "standard",
            "ref": "EITI Standard 2023",
            "clause": "Requirement 2.4(a)",
            "quote": "Implementing countries are required to disclose any contracts [...].",
        }
    )
    crit = crit.model_copy(update={"sources": [cited]})
    text = criterion_markdown(crit, cset, 1)
    assert "- standard: EITI Standard 2023, Requirement 2.4(a)\n" in text
    assert "  > Implementing countries are required to disclose any contracts \\[...\\]." in text
    shown = explain_text(crit, cset, RenderOptions(width=100))
    assert "Requirement 2.4(a)" in shown
    assert "Implementing countries are required to disclose any contracts [...]." in shown
