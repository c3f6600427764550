"""Quotes in the format (issue 20): citations with passages, `searched:` records, search sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.errors import RiskscoreError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import QUOTE_MAX, Fact, Source
from riskscore.load.profile import load_profile
from tests.conftest import MINI

Write = Callable[[str, str], Path]

HEAD = """\
project:
  name: Test
  country: Nowhere
as_of: 2026-12-06
sources:
  fqm-ni43101: {title: Kansanshi NI 43-101 report, url: https://example.org/ni43101}
  press: {title: A news report, url: https://example.org/news}
  search-2026-12: {title: Lists, kind: search, date: 2026-12-06, note: "FCPA, SFO, World Bank"}
"""


def _messages(exc: pytest.ExceptionInfo[RiskscoreError]) -> list[str]:
    return str(exc.value).splitlines()


def test_a_fact_cites_passages_with_locator_and_date(write: Write, shipped: CriteriaSet) -> None:
    path = write(
        "p.yaml",
        HEAD
        + """\
facts:
  resource_study:
    value: feasibility_reserves
    source:
      - ref: fqm-ni43101
        quote: >-
          The Mineral Reserve estimate
          is 1,013 Mt at 0.59% TCu.
        locator: "Section 15.1, p. 15-2"
        accessed: 2026-12-06
      - press
  bribery_evidence: {value: none_reported, source: search-2026-12}
""",
    )
    profile = load_profile(path, shipped)
    fact = profile.facts["resource_study"]
    assert fact.sources == ("fqm-ni43101", "press")
    first, second = fact.citations
    # a folded block's line break reads as one space: the passage is plain text
    assert first.quote == "The Mineral Reserve estimate is 1,013 Mt at 0.59% TCu."
    assert (first.locator, first.accessed) == ("Section 15.1, p. 15-2", "2026-12-06")
    assert second.ref == "press" and second.quote is None
    assert fact.quoted
    assert not profile.facts["bribery_evidence"].quoted
    assert profile.facts["bribery_evidence"].source_kinds == ("search",)


def test_a_misspelt_citation_key_and_an_unknown_ref_are_path_line_errors(
    write: Write, shipped: CriteriaSet
) -> None:
    path = write(
        "p.yaml",
        HEAD
        + """\
facts:
  resource_study:
    value: feasibility_reserves
    source:
      - ref: fqm-ni43101
        quoet: "The Mineral Reserve estimate is 1,013 Mt."
  esia_status:
    value: public
    source:
      - ref: fqm-ni4310
        quote: "The ESIA is published."
""",
    )
    with pytest.raises(RiskscoreError) as exc:
        load_profile(path, shipped)
    assert _messages(exc) == [
        f"{path}:14: facts.resource_study.source.0.quoet: unknown key 'quoet' "
        "(did you mean 'quote'?)",
        f"{path}:18: facts.esia_status.source.0.ref: 'fqm-ni4310' is not a key of `sources` "
        "(did you mean 'fqm-ni43101'?)",
    ]


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        (
            '{ref: press, quote: "' + "x" * (QUOTE_MAX + 1) + '"}',
            f"a quote is at most {QUOTE_MAX} characters (this one has {QUOTE_MAX + 1})",
        ),
        ('{ref: press, quote: "<b>sold</b> in 2019"}', "a quote is plain text"),
        ('{ref: press, translation: "sold in 2019"}', "a `translation` translates a `quote`"),
        ("{ref: press, accessed: 2026-12}", "write a full date, YYYY-MM-DD"),
    ],
)
def test_a_quote_is_short_plain_text_and_a_citation_is_dated_to_the_day(
    write: Write, shipped: CriteriaSet, citation: str, message: str
) -> None:
    path = write(
        "p.yaml", HEAD + f"facts:\n  esia_status:\n    value: public\n    source: [{citation}]\n"
    )
    with pytest.raises(RiskscoreError) as exc:
        load_profile(path, shipped)
    (line,) = _messages(exc)
    assert line.startswith(f"{path}:12: facts.esia_status.source.0")
    assert message in line


def test_a_search_source_needs_its_date_and_what_was_searched(
    write: Write, shipped: CriteriaSet
) -> None:
    path = write(
        "p.yaml",
        "project: {name: T, country: Nowhere}\n"
        "sources:\n  s: {title: Search, kind: search, date: 2026-12-06}\n",
    )
    with pytest.raises(RiskscoreError) as exc:
        load_profile(path, shipped)
    assert _messages(exc) == [
        f"{path}:3: sources.s: a `kind: search` source needs a `date` (when the search was "
        "run) and a `note` (what was searched, and where)"
    ]


def test_searched_records_an_unknown_fact_that_was_looked_for(
    write: Write, shipped: CriteriaSet
) -> None:
    path = write(
        "p.yaml",
        HEAD
        + """\
searched:
  conflict_exposure:
    what: "ACLED events 2024-2026 for Chagai district; news search 'Duddar attack'"
    accessed: 2026-12-05
    note: nothing public found
""",
    )
    record = load_profile(path, shipped).searched["conflict_exposure"]
    assert (record.what[:5], record.accessed, record.note, record.line) == (
        "ACLED",
        "2026-12-05",
        "nothing public found",
        10,
    )


def test_searched_is_refused_for_a_stated_fact_a_fact_with_an_absence_value_and_a_typo(
    write: Write, shipped: CriteriaSet
) -> None:
    path = write(
        "p.yaml",
        HEAD
        + """\
facts:
  conflict_exposure: {value: high, source: press}
searched:
  conflict_exposure: {what: ACLED, accessed: 2026-12-05}
  bribery_evidence: {what: FCPA and SFO lists, accessed: 2026-12-05}
  bribery_evidense: {what: FCPA and SFO lists, accessed: 2026-12-05}
""",
    )
    with pytest.raises(RiskscoreError) as exc:
        load_profile(path, shipped)
    assert _messages(exc) == [
        f"{path}:12: searched.conflict_exposure: 'conflict_exposure' is stated (on line 10); a "
        "`searched:` record is for a fact left unknown: remove one of the two",
        f"{path}:13: searched.bribery_evidence: 'bribery_evidence' has a value for a search "
        "that found nothing: state `bribery_evidence: none_reported` under `facts:`, citing a "
        "source of `kind: search` that describes the search, instead of a `searched:` record",
        f"{path}:14: searched.bribery_evidense: unknown fact 'bribery_evidense' (did you mean "
        "'bribery_evidence'?); `riskscore criteria --facts` lists the vocabulary",
    ]


def test_a_country_file_may_quote_and_record_searches_and_profiles_inherit_both(
    tmp_path: Path, shipped: CriteriaSet, monkeypatch: pytest.MonkeyPatch, write: Write
) -> None:
    write(
        "countries/tl.yaml",
        """\
country: Testland
iso: tl
sources:
  eiti-list: {title: EITI countries, url: https://eiti.org/countries}
facts:
  eiti_status:
    value: not_implementing
    source:
      - ref: eiti-list
        quote: Testland is not an implementing country.
        locator: country list
        accessed: 2026-12-01
searched:
  conflict_exposure: {what: ACLED country file, accessed: 2026-12-01}
""",
    )
    monkeypatch.chdir(tmp_path)
    profile = load_profile(write("p.yaml", "project: {name: T, country: Testland}\n"), shipped)
    eiti = profile.facts["eiti_status"]
    assert eiti.sources == ("tl/eiti-list",)
    assert eiti.citations[0].ref == "tl/eiti-list"
    assert eiti.citations[0].quote == "Testland is not an implementing country."
    assert profile.sources["tl/eiti-list"].title == "EITI countries"
    assert profile.searched["conflict_exposure"].origin == "countries/tl.yaml"


def test_criteria_standard_citations_take_a_clause_and_a_passage() -> None:
    source = Source.model_validate(
        {
            "kind": "standard",
            "ref": "EITI Standard 2023",
            "clause": "Requirement 2.4(a)",
            "quote": "Implementing countries are required to disclose any contracts and "
            "licenses that are granted, entered into or amended from 1 January 2021.",
        }
    )
    assert source.clause == "Requirement 2.4(a)"
    with pytest.raises(ValidationError, match=r"extra_forbidden|Extra inputs"):
        Source.model_validate({"kind": "standard", "ref": "x", "claus": "2.4"})


def test_an_absence_value_is_one_of_the_facts_values() -> None:
    base = {"id": "x", "type": "enum", "description": "d", "values": ["none", "some"]}
    assert Fact.model_validate({**base, "absence_value": "none"}).absence_value == "none"
    with pytest.raises(ValidationError, match="`absence_value` must be one of"):
        Fact.model_validate({**base, "absence_value": "nothing"})
    number = {"id": "n", "type": "number", "description": "d", "absence_value": "none"}
    with pytest.raises(ValidationError, match="a number fact has none"):
        Fact.model_validate(number)


# --- validate --require-quotes and evidence.require_quotes ----------------------------------

runner = CliRunner()

QUOTED_PROFILE = """\
project: {name: Test, country: Nowhere}
sources:
  report: {title: Annual report, url: https://example.org/report}
  search: {title: Search, kind: search, date: 2026-12-06, note: "court records, news"}
facts:
  flag:
    value: true
    source:
      - ref: report
        quote: The plan is public.
  level: {value: mid, source: report}
  share: {value: 40, source: report, assumption: true}
  risk: {value: none, source: search}
"""


def _quoted_set(tmp_path: Path, require: bool) -> Path:
    """The mini set with `risk: none` as its absence value, and require_quotes if asked."""
    folder = tmp_path / "set"
    shutil.copytree(MINI, folder)
    text = (folder / "set.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    values: [severe, some, none]\n",
        "    values: [severe, some, none]\n    absence_value: none\n",
    )
    if require:
        text = text.replace("unknown:\n", "evidence:\n  require_quotes: true\nunknown:\n", 1)
    (folder / "set.yaml").write_text(text, encoding="utf-8")
    return folder


def test_require_quotes_fails_a_fact_without_a_quoted_passage(tmp_path: Path, write: Write) -> None:
    criteria = _quoted_set(tmp_path, require=False)
    path = write("p.yaml", QUOTED_PROFILE)
    result = runner.invoke(app, ["validate", str(path), "--criteria", str(criteria)])
    assert result.exit_code == 0, result.stderr
    assert "quoted passage" not in result.stderr
    result = runner.invoke(
        app, ["validate", "--require-quotes", str(path), "--criteria", str(criteria)]
    )
    # flag is quoted, share is an assumption, risk states the absence value cited to a
    # search: only level (line 11) lacks a passage
    assert result.exit_code == 1
    # the findings, then one last line saying that it failed and why (stdout stays empty)
    assert result.stderr.splitlines() == [
        f"{path}:11: fact level: no quoted passage supports it",
        "riskscore: validate --require-quotes failed: 1 fact without a quoted passage (listed "
        "above); the criteria set mini 0.1.0 (5 criteria, 1 lens) and 1 profile load",
    ]
    assert result.stdout == ""


def test_a_search_source_does_not_stand_in_for_a_quote_on_a_finding_value(
    tmp_path: Path, write: Write
) -> None:
    criteria = _quoted_set(tmp_path, require=False)
    text = QUOTED_PROFILE.replace(
        "level: {value: mid, source: report}", "level: {value: mid, source: search}"
    )
    text = text.replace(
        "risk: {value: none, source: search}", "risk: {value: some, source: search}"
    )
    path = write("p.yaml", text)
    result = runner.invoke(
        app, ["validate", "--require-quotes", str(path), "--criteria", str(criteria)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:11: fact level: no quoted passage supports it",
        f"{path}:13: fact risk: no quoted passage supports it",
        "riskscore: validate --require-quotes failed: 2 facts without a quoted passage (listed "
        "above); the criteria set mini 0.1.0 (5 criteria, 1 lens) and 1 profile load",
    ]


def test_a_set_that_requires_quotes_warns_and_strict_fails(tmp_path: Path, write: Write) -> None:
    criteria = _quoted_set(tmp_path, require=True)
    path = write("p.yaml", QUOTED_PROFILE)
    args = ["validate", str(path), "--criteria", str(criteria)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stderr == f"warning: {path}:11: fact level: no quoted passage supports it\n"
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", *args, "--strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert f"{path}:11: fact level: no quoted passage supports it" in proc.stderr


def test_an_inherited_fact_without_a_quote_is_reported_once_at_the_country_file(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        "countries/tl.yaml",
        """\
country: Testland
iso: tl
sources:
  gazette: {title: Gazette, url: https://example.org/gazette}
facts:
  flag: {value: true, source: gazette}
""",
    )
    monkeypatch.chdir(tmp_path)
    criteria = _quoted_set(tmp_path, require=False)
    one = write("a.yaml", "project: {name: A, country: Testland}\n")
    two = write("b.yaml", "project: {name: B, country: Testland}\n")
    result = runner.invoke(
        app, ["validate", "--require-quotes", str(one), str(two), "--criteria", str(criteria)]
    )
    assert result.exit_code == 1
    # once for the country file, not once per profile, and counted once in the last line
    assert result.stderr.splitlines() == [
        "countries/tl.yaml:6: fact flag: no quoted passage supports it",
        "riskscore: validate --require-quotes failed: 1 fact without a quoted passage (listed "
        "above); the criteria set mini 0.1.0 (5 criteria, 1 lens) and 2 profiles load",
    ]
