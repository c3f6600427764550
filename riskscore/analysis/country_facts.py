"""Country facts across profiles and commits: conflicting overrides, and changed country files.

Country facts live once in countries/<iso>.yaml (load/countries.py); a profile may override
one with a note. Two profiles of the same country that override the same fact with different
values contradict each other (at most one can be right about the country), so `validate`
warns about them. `country_changes` lists what changed in the country files between the two
sides of a diff, so a country fact's change is seen as evidence like a profile's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from riskscore.analysis.attribution import FactChange, Statement, diff_statements
from riskscore.engine.scorecard import Result
from riskscore.load.countries import Country
from riskscore.load.profile_models import FactEntry, Profile
from riskscore.load.yaml_reader import plain_scalar


def override_conflicts(profiles: Iterable[Profile]) -> list[str]:
    """One warning per (country, fact) that profiles override with different values.

    Returns lines like `profiles of Pakistan disagree on eiti_status, which they override:
    a.yaml:12 says intent_announced, b.yaml:9 says implementing_not_yet_validated (the country
    file says not_implementing)`, sorted by country then fact.
    """
    seen: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    country_value: dict[tuple[str, str], object] = {}
    for profile in profiles:
        for fact in profile.facts.values():
            if fact.overrides is None:
                continue
            key = (profile.project.country, fact.id)
            where = f"{profile.path}:{fact.line}" if fact.line else profile.path
            seen[key][plain_scalar(fact.value)].append(where)
            country_value[key] = fact.overrides
    out = []
    for (country, fact_id), by_value in sorted(seen.items()):
        if len(by_value) < 2:
            continue
        claims = ", ".join(
            f"{' and '.join(paths)} says {value}" for value, paths in sorted(by_value.items())
        )
        out.append(
            f"profiles of {country} disagree on {fact_id}, which they override: {claims} "
            f"(the country file says {plain_scalar(country_value[(country, fact_id)])})"
        )
    return out


class CountryChange(Result):
    """One country file whose facts differ between the two sides of a diff.

    `file` is its label (`countries/pk.yaml`), `facts` the facts added, removed, changed or
    re-sourced in it (sources read `pk/key: title`, as inheriting profiles cite them), and
    `projects` the paths of the compared profiles whose score inputs it changed.
    """

    file: str
    country: str
    facts: list[FactChange]
    projects: list[str] = []


def country_changes(old: Mapping[str, Country], new: Mapping[str, Country]) -> list[CountryChange]:
    """The country files whose facts differ from `old` to `new` (dicts from load_countries),
    in file order; a file on one side only lists all its facts as added or removed."""
    before = {c.label: c for c in old.values()}
    after = {c.label: c for c in new.values()}
    out = []
    for label in sorted({*before, *after}):
        o, n = before.get(label), after.get(label)
        facts = diff_statements(_statements(label, o), _statements(label, n))
        if facts:
            name = (n or o).name  # type: ignore[union-attr]
            out.append(CountryChange(file=label, country=name, facts=facts))
    return out


def _statements(label: str, country: Country | None) -> dict[str, Statement]:
    """The country file's facts as a diff compares them; every one has the file as origin."""
    if country is None:
        return {}
    return {
        fid: Statement(entry.value, _sources(country, entry), label)
        for fid, entry in country.facts.items()
    }


def _sources(country: Country, entry: FactEntry) -> list[str]:
    out = []
    for key in [c.ref for c in entry.citations()]:
        ref = country.sources.get(key)
        shown = f"{country.iso}/{key}"
        out.append(f"{shown}: {ref.title}" if ref is not None else shown)
    return out
