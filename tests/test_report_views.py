"""The HTML report's title, bibliography and portfolio views (`report --where/--group-by`);
the browser checks of the same fixes are in tests/test_report_layout.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from riskscore.commands.report import report
from riskscore.engine.scorecard import Citation
from riskscore.render.html_report import bibliography, report_title
from tests.conftest import MINI

app = typer.Typer()
app.command()(report)
runner = CliRunner()

PROFILE = """\
project:
  name: {name}
  country: {country}
  commodities: [{commodity}]
sources:
  portal-a:
    title: "Mining cadastre: licence {name} A"
    url: https://portal.example.org/
  portal-b:
    title: "Mining cadastre: licence {name} B"
    url: https://portal.example.org/
facts:
  flag: {{value: {flag}, source: portal-a}}
  level: {{value: mid, source: portal-b}}
  share: 40
  risk: {risk}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"RISKSCORE_TODAY": "2026-11-23"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    rows = [
        ("alpha", "Zambia", "copper", "true", "severe"),
        ("beta", "Mongolia", "gold", "false", "some"),
        ("gamma", "Zambia", "gold", "true", "none"),
    ]
    for name, country, commodity, flag, risk in rows:
        Path(f"{name}.yaml").write_text(
            PROFILE.format(name=name, country=country, commodity=commodity, flag=flag, risk=risk)
        )
    return ["alpha.yaml", "beta.yaml", "gamma.yaml", "--criteria", str(MINI), "--samples", "5"]


def test_title_names_the_portfolio_countries() -> None:
    pk = "Governance and risk of critical-minerals projects in Pakistan"
    assert report_title(pk, ["Pakistan", "Pakistan"]) == f"{pk}: risk report"
    assert report_title(pk, ["Zambia", "Pakistan", "Mongolia"]) == (
        "Governance and risk of critical-minerals projects in Mongolia, Pakistan and Zambia: "
        "risk report"
    )
    assert report_title("Scored by hand in the tests", ["Elsewhere"]) == (
        "Scored by hand in the tests: risk report on projects in Elsewhere"
    )
    assert report_title("Projects in South Africa", ["Chile", "Peru"]) == (
        "Projects in Chile and Peru: risk report"
    )
    many = ["A", "B", "C", "D", "E"]
    assert report_title(pk, many).endswith("projects in 5 countries: risk report")


def test_the_page_title_follows_the_profiles(portfolio) -> None:
    code, out, err = run(*portfolio, "-o", "-")
    assert code == 0, err
    title = re.search(r"<title>(.*)</title>", out)
    assert title and title.group(1).endswith("risk report on projects in Mongolia and Zambia")


def test_documents_that_share_an_address_stay_separate_entries(portfolio) -> None:
    code, out, _ = run(*portfolio, "-o", "-")
    assert code == 0
    sources = out[out.index('id="sources"') :]
    entries = re.findall(r"<li>(.*?)</li>", sources)
    cadastre = [e for e in entries if "Mining cadastre" in e]
    # Six documents (A and B of three licences) at one portal address: six entries, none
    # holding the titles of the others.
    assert len(cadastre) == 6, cadastre
    assert all(e.count("Mining cadastre") == 1 for e in cadastre)


def test_bibliography_is_one_entry_per_document() -> None:
    class Card:
        def __init__(self, cites: list[Citation]) -> None:
            self.citations = {str(i): c for i, c in enumerate(cites)}

    class Set:
        criteria: list[object] = []

    url = "https://portal.example.org/"
    cards = [
        Card([Citation(title="Licence A", url=url), Citation(title="Licence B", url=url)]),
        Card([Citation(title="Licence A", url=url)]),  # the same document, cited again
    ]
    entries = bibliography(cards, [], Set())  # type: ignore[arg-type]
    assert [(e["title"], e["url"]) for e in entries] == [("Licence A", url), ("Licence B", url)]


def test_where_and_group_by_in_the_report(portfolio) -> None:
    code, out, err = run(*portfolio, "-o", "-", "--where", "country=Zambia", "-g", "commodity")
    assert code == 0, err
    summary = out[out.index('id="summary"') : out.index("Pillar scores by project")]
    groups = re.findall(r'<tr class="group"><th colspan="7">(.*?)</th></tr>', summary)
    assert groups == ["commodity: copper — 1 project", "commodity: gold — 1 project"]
    assert "beta" not in summary  # Mongolia, filtered out
    assert "Projects where country=zambia." in summary
    sections = re.findall(r'<section class="project" id="p\d-([a-z]+)">', out)
    assert sorted(sections) == ["alpha", "gamma"]


def test_a_filter_that_matches_nothing_is_exit_2(portfolio) -> None:
    code, out, err = run(*portfolio, "-o", "page.html", "--where", "country=Peru")
    assert code == 2 and out == ""
    assert "--where country=peru matches none of the 3 projects" in err
    assert not Path("page.html").exists()


def test_subprocess_report_with_views(portfolio) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", "report", *portfolio, "-o", "page.html",
         "--group-by", "country"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    page = Path("page.html").read_text()
    assert "country: Mongolia — 1 project" in page and "country: Zambia — 2 projects" in page


def test_sobol_figures_of_one_group_do_not_overlap() -> None:
    """The first- and total-order figures beside a group's two bars sit at least 15 units
    apart (text boxes of the 12-unit font are about 14 tall); at 12 they overlapped when the
    two indices were close, which the 390/1280 px browser test caught."""
    from riskscore.render.uncertainty_svg import GroupBar, sobol_bars

    svg = str(sobol_bars([GroupBar("weights", 0.30, 0.02, 0.31, 0.02)], "s"))
    ys = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" class="value">', svg)]
    assert len(ys) == 2 and ys[1] - ys[0] >= 15
