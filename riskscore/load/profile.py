"""Project profiles: load one YAML file and check every fact against the set's vocabulary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from riskscore.errors import ErrorGroup, ProfileError, RiskscoreError
from riskscore.load.countries import Country, country_of, unknown_source_errors
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Fact
from riskscore.load.diagnostics import from_validation_error, model_keys
from riskscore.load.profile_models import (
    Citation,
    FactEntry,
    Profile,
    ProfileFile,
    ProjectInfo,
    Searched,
    SearchRecord,
    SourceRef,
    StatedFact,
    Waiver,
    WaiverEntry,
)
from riskscore.load.yaml_reader import YAML11_BOOLEANS, Document, Loc, load_yaml, plain_scalar
from riskscore.suggest import did_you_mean

_NUMBER = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")
_TOP_KEYS = model_keys(ProfileFile)
_KNOWN_KEYS = model_keys(
    ProfileFile, ProjectInfo, SourceRef, FactEntry, Citation, SearchRecord, WaiverEntry
)


def load_profile(path: Path, cset: CriteriaSet, countries: Path | None = None) -> Profile:
    """Load a profile; raise all of its problems at once as `path:line: message` errors.

    `countries` is the folder of country files it inherits from (default ./countries, see
    load/countries.py).
    """
    return build_profile(load_yaml(path), cset, countries)


def _facts_at_top_level(doc: Document, cset: CriteriaSet) -> None:
    """Facts written at the top level, without `facts:`, are one mistake: say so in one line
    instead of an unknown-key error per fact."""
    stray = [key for key in doc.data if key in cset.facts and key not in _TOP_KEYS]
    if not stray:
        return
    first = stray[0]
    others = f" and {len(stray) - 1} more facts" if len(stray) > 1 else ""
    verb = "are" if len(stray) > 1 else "is"
    raise ProfileError(
        f"{first}: '{first}'{others} {verb} written at the top level; facts go under a "
        "`facts:` key (indent them below `facts:`)",
        doc.path,
        doc.line((first,)),
    )


def build_profile(doc: Document, cset: CriteriaSet, countries: Path | None = None) -> Profile:
    """Check a parsed profile against the criteria set's fact vocabulary; inherit the facts
    of its country's file in `countries` (default ./countries)."""
    _facts_at_top_level(doc, cset)
    try:
        parsed = ProfileFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ErrorGroup(
            from_validation_error(exc, doc, _KNOWN_KEYS, error_type=ProfileError)
        ) from None
    errors: list[RiskscoreError] = []
    vocabulary = cset.facts
    facts: dict[str, StatedFact] = {}
    for fact_id, raw in parsed.facts.items():
        loc: Loc = ("facts", fact_id)
        fact = vocabulary.get(fact_id)
        if fact is None:
            errors.append(
                ProfileError(
                    f"facts.{fact_id}: unknown fact '{fact_id}'"
                    f"{did_you_mean(fact_id, vocabulary)}; "
                    "`riskscore criteria --facts` lists the vocabulary",
                    doc.path,
                    doc.line(loc),
                )
            )
            continue
        stated = _stated_fact(fact, raw, doc, loc, parsed.sources, errors)
        if stated is not None:
            facts[fact_id] = stated
    sources = dict(parsed.sources)
    country = country_of(parsed.project.country, countries)
    if country is not None:
        _inherit(country, vocabulary, facts, sources, doc, errors)
    searched = _searched(parsed.searched, vocabulary, facts, doc, errors)
    if country is not None:
        for fact_id, record in country.searched.items():
            if fact_id in vocabulary and fact_id not in facts and fact_id not in searched:
                problem = searched_problem(vocabulary[fact_id], None)
                if problem:
                    line = country.doc.line(("searched", fact_id))
                    errors.append(
                        ProfileError(f"searched.{fact_id}: {problem}", country.label, line)
                    )
                    continue
                searched[fact_id] = Searched(
                    fact_id,
                    record.what,
                    record.accessed,
                    record.note,
                    origin=country.label,
                    line=country.doc.line(("searched", fact_id)),
                )
    criterion_ids = [c.id for c in cset.criteria]
    waivers: list[Waiver] = []
    for i, entry in enumerate(parsed.waivers):
        loc = ("waivers", i, "criterion")
        if entry.criterion not in criterion_ids:
            errors.append(
                ProfileError(
                    f"waivers.{i}.criterion: the waiver names no criterion '{entry.criterion}'"
                    f"{did_you_mean(entry.criterion, criterion_ids)}",
                    doc.path,
                    doc.line(loc),
                )
            )
            continue
        earlier = next((w for w in waivers if w.criterion == entry.criterion), None)
        if earlier is not None:
            errors.append(
                ProfileError(
                    f"waivers.{i}.criterion: a second waiver for '{entry.criterion}' (the first "
                    f"is on line {earlier.line}); keep one",
                    doc.path,
                    doc.line(loc),
                )
            )
            continue
        waivers.append(
            Waiver(
                entry.criterion,
                entry.reason,
                entry.owner,
                entry.expires,
                doc.path,
                doc.line(("waivers", i)),
            )
        )
    if errors:
        raise ErrorGroup(errors)
    iso = country.iso if country is not None else None
    return Profile(
        doc.path, parsed.project, parsed.as_of, sources, facts, tuple(waivers), iso, searched
    )


def searched_problem(fact: Fact, stated_by: str | None) -> str | None:
    """Why a `searched:` record for `fact` is refused, or None when it is fine.

    `stated_by` names where the fact is stated (`this profile`, a country file) or is None
    when it is unknown. A search that found nothing is recorded for an unknown fact only, and
    only when the vocabulary has no value for that finding (`absence_value`): where it has
    one, that value is the finding and the profile states it (issue 20)."""
    if stated_by is not None:
        return (
            f"'{fact.id}' is stated ({stated_by}); a `searched:` record is for a fact left "
            "unknown: remove one of the two"
        )
    if fact.absence_value is not None:
        return (
            f"'{fact.id}' has a value for a search that found nothing: state "
            f"`{fact.id}: {plain_scalar(fact.absence_value)}` under `facts:`, citing a source of "
            "`kind: search` that describes the search, instead of a `searched:` record"
        )
    return None


def _searched(
    records: dict[str, SearchRecord],
    vocabulary: dict[str, Fact],
    facts: dict[str, StatedFact],
    doc: Document,
    errors: list[RiskscoreError],
) -> dict[str, Searched]:
    """The profile's `searched:` records, checked against the vocabulary and its facts."""
    found: dict[str, Searched] = {}
    for fact_id, record in records.items():
        line = doc.line(("searched", fact_id))
        fact = vocabulary.get(fact_id)
        if fact is None:
            errors.append(
                ProfileError(
                    f"searched.{fact_id}: unknown fact '{fact_id}'"
                    f"{did_you_mean(fact_id, vocabulary)}; "
                    "`riskscore criteria --facts` lists the vocabulary",
                    doc.path,
                    line,
                )
            )
            continue
        stated = facts.get(fact_id)
        where = None
        if stated is not None:
            where = f"from {stated.origin}" if stated.origin else f"on line {stated.line}"
        problem = searched_problem(fact, where)
        if problem:
            errors.append(ProfileError(f"searched.{fact_id}: {problem}", doc.path, line))
            continue
        found[fact_id] = Searched(fact_id, record.what, record.accessed, record.note, line=line)
    return found


def _inherit(
    country: Country,
    vocabulary: dict[str, Fact],
    facts: dict[str, StatedFact],
    sources: dict[str, SourceRef],
    doc: Document,
    errors: list[RiskscoreError],
) -> None:
    """Add the country file's facts the profile does not state; check those it overrides.

    An inherited fact keeps the country file as its `origin` and cites the file's sources
    under `<iso>/<key>`; a profile that states a different value must say why in a `note`.
    Facts the criteria set does not know are left out (another set may use them).
    """
    for fact_id, entry in country.facts.items():
        fact = vocabulary.get(fact_id)
        if fact is None:
            continue
        own = facts.get(fact_id)
        if own is not None:
            if own.value == entry.value and type(own.value) is type(entry.value):
                continue
            if not own.note:
                errors.append(
                    ProfileError(
                        f"facts.{fact_id}: overrides {country.label} "
                        f"({plain_scalar(entry.value)}); "
                        "add a `note` saying why this project differs",
                        doc.path,
                        own.line,
                    )
                )
            facts[fact_id] = replace(own, overrides=entry.value)
            continue
        value, old = current_value(fact, entry.value)
        problem = check_value(fact, value)
        if problem:
            errors.append(
                ProfileError(
                    f"facts.{fact_id}: {problem}", country.label, country.lines.get(fact_id)
                )
            )
            continue
        citations = tuple(
            c.model_copy(update={"ref": f"{country.iso}/{c.ref}"}) for c in entry.citations()
        )
        keys = [c.ref for c in entry.citations()]
        for key, cite in zip(keys, citations, strict=True):
            sources[cite.ref] = country.sources[key]
        facts[fact_id] = StatedFact(
            fact_id,
            value,
            tuple(c.ref for c in citations),
            entry.date,
            entry.note,
            entry.assumption,
            None,
            origin=country.label,
            source_kinds=tuple(country.sources[k].kind for k in keys),
            citations=citations,
            deprecated_from=old,
        )


def _stated_fact(
    fact: Fact,
    raw: Any,
    doc: Document,
    loc: Loc,
    sources: dict[str, SourceRef],
    errors: list[RiskscoreError],
) -> StatedFact | None:
    if isinstance(raw, dict):
        try:
            entry = FactEntry.model_validate(raw)
        except ValidationError as exc:
            errors.extend(from_validation_error(exc, doc, _KNOWN_KEYS, loc, ProfileError))
            return None
        value_loc: Loc = (*loc, "value")
    elif isinstance(raw, list) or raw is None:
        what = "a list" if isinstance(raw, list) else "empty"
        errors.append(
            ProfileError(
                f"{'.'.join(map(str, loc))}: value is {what}; give a value or leave the fact out",
                doc.path,
                doc.line(loc),
            )
        )
        return None
    else:  # a plain scalar from the loader: the value alone, no provenance
        value, old = current_value(fact, raw)
        problem = check_value(fact, value)
        if problem:
            errors.append(
                ProfileError(f"{'.'.join(map(str, loc))}: {problem}", doc.path, doc.line(loc))
            )
            return None
        return StatedFact(fact.id, value, line=doc.line(loc), deprecated_from=old)
    value, old = current_value(fact, entry.value)
    problem = check_value(fact, value)
    if problem:
        errors.append(
            ProfileError(f"{'.'.join(map(str, loc))}: {problem}", doc.path, doc.line(value_loc))
        )
        return None
    errors.extend(
        unknown_source_errors(
            entry, sources, loc, doc, lambda ref: did_you_mean(ref, sources) or _known(sources)
        )
    )
    citations = entry.citations()
    keys = [c.ref for c in citations]
    return StatedFact(
        fact.id,
        value,
        tuple(keys),
        entry.date,
        entry.note,
        entry.assumption,
        doc.line(loc),
        source_kinds=tuple(sources[k].kind if k in sources else None for k in keys),
        citations=tuple(citations),
        deprecated_from=old,
    )


def current_value(fact: Fact, value: Any) -> tuple[Any, str | None]:
    """(the value as it scores, the deprecated value written or None): a value the fact's
    `deprecated:` mapping names scores as its mapped (lower) reading."""
    if isinstance(value, str) and value in fact.deprecated:
        return fact.deprecated[value], value
    return value, None


def check_value(fact: Fact, value: Any) -> str | None:
    """Why `value` does not fit `fact`, or None when it does."""
    if fact.type == "boolean":
        if isinstance(value, bool):
            return None
        if isinstance(value, str) and value in YAML11_BOOLEANS:
            return (
                f"'{value}' is not a boolean; YAML 1.1 words like yes/no/on/off are text "
                "here, write true or false"
            )
        return f"expected true or false, got {_shown(value)}"
    if fact.type == "enum":
        values = fact.values or []
        if isinstance(value, str) and value in values:
            return None
        hint = did_you_mean(str(value).lower(), values)
        return f"{_shown(value)} is not one of: {', '.join(values)}{hint}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = "; remove the quotes" if isinstance(value, str) and _NUMBER.match(value) else ""
        return f"expected a number, got {_shown(value)}{hint}"
    unit = f" {fact.unit}" if fact.unit else ""
    if fact.min is not None and value < fact.min:
        return f"{value} is below the minimum {fact.min}{unit}"
    if fact.max is not None and value > fact.max:
        return f"{value} is above the maximum {fact.max}{unit}"
    return None


def _known(sources: dict[str, SourceRef]) -> str:
    """`; sources has: a, b` for a short list, so a typo is easy to spot."""
    if not sources:
        return "; the profile has no `sources` section"
    if len(sources) > 8:
        return ""
    return f"; `sources` has: {', '.join(sources)}"


def _shown(value: Any) -> str:
    """A value as the file would write it: `true`, `12`, `'text'`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)
