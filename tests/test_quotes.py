"""Quotes in the format (issue 20): citations with passages, `searched:` records, search sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from riskscore.errors import RiskscoreError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import QUOTE_MAX, Fact, Source
from riskscore.load.profile import load_profile

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
