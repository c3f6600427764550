"""Checks of country files named on the command line (`validate countries/`): each file loads
(load/countries.py raises `path:line:` errors), every fact it states is in the set's
vocabulary, and, with `--require-quotes`, every fact not marked `assumption` carries a quoted
passage (issue 20: country facts are evidence like a profile's)."""

from __future__ import annotations

from pathlib import Path

from riskscore.analysis.quotes import Unquoted
from riskscore.errors import ErrorGroup, ProfileError, RiskscoreError
from riskscore.load.countries import Country, load_countries
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import FactEntry


def is_country_file(path: Path) -> bool:
    """True for a YAML file in a folder named `countries` (the layout riskscore reads country
    facts from), which `validate` checks as a country file, not as a profile."""
    return path.parent.name == "countries"


def loaded_countries(files: list[Path]) -> list[Country]:
    """The countries of `files` (country files), loaded with their folders; raises ErrorGroup
    (`path:line: message`) for a file that does not load or states a fact twice over."""
    out: list[Country] = []
    for folder in sorted({f.parent for f in files}):
        wanted = {f.resolve() for f in files if f.parent == folder}
        seen: set[str] = set()
        for country in load_countries(folder).values():
            if country.iso in seen or Path(country.doc.path).resolve() not in wanted:
                continue
            seen.add(country.iso)
            out.append(country)
    return out


def unknown_country_facts(countries: list[Country], cset: CriteriaSet) -> None:
    """Raise ErrorGroup naming each country fact the set's vocabulary does not know: a profile
    would silently not inherit it."""
    errors: list[RiskscoreError] = [
        ProfileError(
            f"facts.{fid}: '{fid}' is not a fact of the criteria set's vocabulary, so no profile "
            "inherits it",
            country.label,
            country.lines.get(fid),
        )
        for country in countries
        for fid in country.facts
        if fid not in cset.facts
    ]
    if errors:
        raise ErrorGroup(errors)


def _supported(entry: FactEntry, country: Country, cset: CriteriaSet, fid: str) -> bool:
    """The profile rule (analysis.quotes.supported) applied to a country file's entry."""
    if entry.assumption or any(c.quote for c in entry.citations()):
        return True
    vocab = cset.facts.get(fid)
    absent = vocab.absence_value if vocab is not None else None
    kinds = {country.sources[c.ref].kind for c in entry.citations() if c.ref in country.sources}
    return (
        absent is not None
        and entry.value == absent
        and type(entry.value) is type(absent)
        and "search" in kinds
    )


def unquoted_country_facts(countries: list[Country], cset: CriteriaSet) -> list[Unquoted]:
    """Each stated country fact no quoted passage supports, at its line in the country file
    (the same place a profile that inherits it reports it)."""
    return [
        Unquoted(fid, country.label, country.lines.get(fid))
        for country in countries
        for fid, entry in country.facts.items()
        if not _supported(entry, country, cset, fid)
    ]
