"""The CI output formats (sarif, junit, github, csv): golden files, schema and structure checks."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths, open_criteria
from riskscore.commands.app import app
from riskscore.engine.scorecard import Report
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.render import FORMATS, RenderOptions, get_renderer
from riskscore.render.github import PER_LEVEL, command
from tests.conftest import DATA, ROOT

TODAY = "2026-11-23"
EXTENSIONS = {"sarif": ".sarif", "junit": ".xml", "github": ".txt", "csv": ".csv"}
SCHEMA = json.loads((DATA / "sarif-2.1.0-schema.json").read_text(encoding="utf-8"))
WAIVED = """\
project:
  name: "Mini: 100% sure, <really> & truly"
  country: Nowhere
facts:
  flag: false
  level: mid
  risk: severe
waivers:
  - criterion: c-na
    reason: Accepted while the mitigation plan is reviewed
    owner: risk committee
    expires: 2027-01-31
  - criterion: c-bool
    reason: Accepted before the audit
    owner: analyst
    expires: 2026-01-01
"""
CLEAN = """\
project:
  name: Mini clean
  country: Nowhere
facts:
  flag: true
  level: high
  share: 60
  n_a: true
"""


def render(fmt: str, report: Report) -> str:
    return get_renderer(fmt)(report, RenderOptions())


@pytest.fixture(scope="module")
def at_root() -> Iterator[None]:
    """Relative profile paths (as a user in the repository types them) for stable goldens."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        yield


@pytest.fixture(scope="module")
def cset(at_root: None) -> CriteriaSet:
    return open_criteria(Path("criteria"))


@pytest.fixture(scope="module")
def single(cset: CriteriaSet) -> Report:
    return evaluate_paths([Path("projects/reko-diq.yaml")], cset, today=TODAY)


@pytest.fixture(scope="module")
def portfolio(cset: CriteriaSet) -> Report:
    return evaluate_paths(sorted(Path("projects").glob("*.yaml")), cset, today=TODAY)


@pytest.fixture
def mini_report(mini: CriteriaSet, tmp_path: Path) -> Report:
    """Two mini profiles in tmp_path: one with an active and an expired waiver, one fully met."""
    (tmp_path / "waived.yaml").write_text(WAIVED, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        return evaluate_paths([Path("waived.yaml"), Path("clean.yaml")], mini, today=TODAY)


def reports(request: pytest.FixtureRequest) -> list[tuple[Report, Path]]:
    """Each report with the folder its profile paths are relative to."""
    return [
        (request.getfixturevalue("single"), ROOT),
        (request.getfixturevalue("portfolio"), ROOT),
        (request.getfixturevalue("mini_report"), request.getfixturevalue("tmp_path")),
    ]


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
@pytest.mark.parametrize("which", ["single", "portfolio", "mini_report"])
def test_golden_output(fmt: str, which: str, request: pytest.FixtureRequest, file_regression):
    report = request.getfixturevalue(which)
    file_regression.check(
        render(fmt, report), encoding="utf-8", extension=EXTENSIONS[fmt], basename=f"{which}_{fmt}"
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_mini_set(fmt: str, mini_report: Report) -> None:
    text = render(fmt, mini_report)
    assert isinstance(text, str) and text.strip()


def test_sarif_is_valid_and_points_at_the_fact_lines(request: pytest.FixtureRequest) -> None:
    for report, base in reports(request):
        log = json.loads(render("sarif", report))
        jsonschema.Draft4Validator(SCHEMA).validate(log)
        run = log["runs"][0]
        rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        cards = {card.path: card for card in report.scorecards}
        expected = sum(
            len(c.flags)
            + len(c.unverified_flags)
            + sum(r.status in ("unmet", "partial", "unknown") for r in c.criteria)
            for c in report.scorecards
        )
        assert len(run["results"]) == expected
        assert run["properties"]["criteriaSet"]["hash"] == report.criteria_set.hash
        for result in run["results"]:
            assert rules[result["ruleIndex"]] == result["ruleId"]
            place = result["locations"][0]["physicalLocation"]
            card = cards[place["artifactLocation"]["uri"]]
            line = place["region"]["startLine"]
            text = (base / card.path).read_text(encoding="utf-8").splitlines()[line - 1]
            crit_id, _, red_flag = result["ruleId"].partition("/")
            crit = next(c for c in card.criteria if c.id == crit_id)
            if red_flag and result["properties"].get("verified") is False:
                assert result["level"] == "note" and line == 1  # facts missing: top of file
                continue
            if red_flag:
                flag = next(f for f in card.flags if f.criterion == crit_id)
                assert result["level"] == {"critical": "error", "high": "error"}.get(
                    flag.severity, "warning"
                )
                facts = re.findall(r"(?:^|; )([a-z][a-z0-9_]*) = ", flag.evidence)
            else:
                assert result["level"] == {"unmet": "warning"}.get(crit.status, "note")
                # facts inherited from a country file have no line in the profile
                facts = [f.id for f in crit.facts if f.known and f.origin is None][:1]
            if facts:
                assert any(f"{fact}:" in text for fact in facts), (result["ruleId"], text)
            else:
                assert line == 1


def test_sarif_suppresses_only_active_waivers(mini_report: Report) -> None:
    results = json.loads(render("sarif", mini_report))["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results if "waived.yaml" in json.dumps(r["locations"])}
    assert by_rule["c-na/red-flag"]["level"] == "error"
    assert by_rule["c-na/red-flag"]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Accepted while the mitigation plan is reviewed",
            "properties": {
                "owner": "risk committee",
                "expires": "2027-01-31",
                "source": "waived.yaml:9",
            },
        }
    ]
    assert "suppressions" in by_rule["c-na"]
    assert "suppressions" not in by_rule["c-bool"]
    assert "expired on 2026-01-01" in by_rule["c-bool"]["message"]["text"]
    prints = [r["partialFingerprints"] for r in results]
    assert len({json.dumps(p) for p in prints}) == len(prints)


def test_junit_counts_match_the_scorecards(request: pytest.FixtureRequest) -> None:
    for report, _ in reports(request):
        root = ET.fromstring(render("junit", report))
        suites = root.findall("testsuite")
        assert [s.get("name") for s in suites] == [c.project for c in report.scorecards]
        for suite, card in zip(suites, report.scorecards, strict=True):
            cases = suite.findall("testcase")
            failures = [c for c in cases if c.find("failure") is not None]
            skipped = [c for c in cases if c.find("skipped") is not None]
            assert int(suite.get("tests", "")) == len(cases) == len(card.criteria) + len(card.flags)
            assert int(suite.get("failures", "")) == len(failures)
            assert int(suite.get("skipped", "")) == len(skipped)
            waived = {w.criterion for w in card.waivers if w.active}
            assert len(failures) == sum(f.criterion not in waived for f in card.flags) + sum(
                c.status == "unmet" and c.id not in waived for c in card.criteria
            )
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            assert props["score"] == str(card.score) and props["band"] == card.band
            assert props["criteria_hash"] == card.criteria_set.hash
        assert int(root.get("tests", "")) == sum(int(s.get("tests", "")) for s in suites)


def test_junit_skips_waived_and_not_applicable(mini_report: Report) -> None:
    root = ET.fromstring(render("junit", mini_report))
    waived, clean = root.findall("testsuite")
    assert waived.get("name") == "Mini: 100% sure, <really> & truly"
    skip = waived.find("testcase[@name='red-flag/c-na']/skipped")
    assert skip is not None
    assert skip.get("message") == (
        "waived: Accepted while the mitigation plan is reviewed "
        "(owner risk committee, expires 2027-01-31)"
    )
    failure = waived.find("testcase[@name='c-bool']/failure")
    assert failure is not None and "expired on 2026-01-01" in (failure.text or "")
    assert clean.find("testcase[@name='c-na']/skipped") is not None
    assert clean.get("failures") == "0"


GITHUB_LINE = re.compile(
    r"^::(?:(?:error|warning|notice) file=[^,:]+,line=[1-9]\d*,title=riskscore [^,:]+::\S.*"
    r"|notice::riskscore: \S.*"
    r"|notice title=riskscore%3A annotations left out::\d+ findings were left out.*"
    r"|group::riskscore: \d+ more findings, not annotated|endgroup::)$"
)


def test_github_lines_are_workflow_commands(request: pytest.FixtureRequest) -> None:
    for report, _ in reports(request):
        text = render("github", report)
        # Findings past GitHub's caps are plain lines inside the collapsed group.
        lines = re.sub(r"(?ms)^(::group::[^\n]*\n).*?^(::endgroup::)$", r"\1\2", text)
        lines = lines.splitlines()
        assert all(GITHUB_LINE.match(line) for line in lines), lines
        summaries = [line for line in lines if line.startswith("::notice::riskscore: ")]
        # Past GitHub's 10 notices per step, the last project summaries are plain log lines in
        # the collapsed group (one notice is kept for the line that says so).
        grouped = [line for line in text.splitlines() if line.startswith("notice riskscore: ")]
        assert len(summaries) == min(len(report.scorecards), PER_LEVEL - (1 if grouped else 0))
        assert len(summaries) + len(grouped) == len(report.scorecards)
        errors = [line for line in lines if line.startswith("::error ")]
        assert len(errors) == sum(
            f.waiver is None or not f.waiver.active for c in report.scorecards for f in c.flags
        )


def test_github_escapes_messages_and_properties() -> None:
    line = command("warning", "100% sure\r\nnext: a, b", file="a,b:c.yaml", line=3, title="x%")
    assert line == "::warning file=a%2Cb%3Ac.yaml,line=3,title=x%25::100%25 sure%0D%0Anext: a, b"
    assert command("notice", "50%") == "::notice::50%25"


def test_csv_has_one_row_per_project_with_the_json_score(request: pytest.FixtureRequest) -> None:
    for report, _ in reports(request):
        rows = list(csv.DictReader(io.StringIO(render("csv", report))))
        cards = json.loads(render("json", report))["scorecards"]
        assert [r["path"] for r in rows] == [c["path"] for c in cards]
        for row, card in zip(rows, cards, strict=True):
            assert float(row["score"]) == card["score"]
            flags = row["red_flags"].split(";") if row["red_flags"] else []
            assert flags == [f["criterion"] for f in card["flags"]]
            for pillar in card["pillars"]:
                cell = row[f"pillar_{pillar['id']}"]
                assert (float(cell) if cell else None) == pillar["score"]
        header = next(csv.reader(io.StringIO(render("csv", report))))
        assert header[:19] == [
            "project",
            "slug",
            "path",
            "country",
            "score",
            "score_low",
            "score_high",
            "band",
            "band_low",
            "band_high",
            "evidence_sufficient",
            "band_reason",
            "band_before_caps",
            "coverage",
            "coverage_sourced",
            "coverage_assumed",
            "governance_score",
            "context_rating",
            "red_flags",
        ]
        assert header[-4:] == ["criteria_set", "criteria_version", "criteria_hash", "lens"]


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_cli_offers_each_format(fmt: str, single: Report) -> None:
    result = CliRunner().invoke(
        app,
        ["evaluate", "projects/reko-diq.yaml", "--criteria", "criteria", "--format", fmt],
        env={"RISKSCORE_TODAY": TODAY},
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == render(fmt, single)
