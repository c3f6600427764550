"""Country facts in one place: countries/<iso>.yaml states the facts every project in that
country shares (EITI status, contract-disclosure law), with sources. Profiles inherit them by
their `project.country`; a profile may override one, with a note saying why.

    country: Pakistan
    iso: pk
    as_of: 2026-02-15
    sources:
      iea-eiti-members: {title: ..., url: ..., kind: official_record}
    facts:
      eiti_status: {value: not_implementing, source: iea-eiti-members, note: ...}
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from riskscore.errors import ErrorGroup, ProfileError, RiskscoreError
from riskscore.load.criteria.models import Strict, Text
from riskscore.load.diagnostics import from_validation_error, model_keys
from riskscore.load.profile_models import (
    Citation,
    DateText,
    FactEntry,
    SearchRecord,
    SourceRef,
)
from riskscore.load.yaml_reader import Document, Loc, iter_yaml_files, load_yaml
from riskscore.suggest import did_you_mean

COUNTRY_DIR = "countries"
_KNOWN_KEYS = model_keys(SourceRef, FactEntry, Citation, SearchRecord)


def unknown_source_errors(
    entry: FactEntry,
    sources: Mapping[str, SourceRef],
    loc: Loc,
    doc: Document,
    hint: Callable[[str], str],
) -> list[ProfileError]:
    """One ProfileError for each citation of the fact `entry` (at `loc` in `doc`) whose ref is
    not a key of `sources`, in citation order: `<loc>.source: 'x' is not a key of `sources``
    at the line of `source` (a bare id or a list of ids) or of the citation's `ref`
    (`<loc>.source.<i>.ref`); `hint(ref)` ends the message (a did-you-mean, the known keys).
    Country files and profiles check their facts' sources with it."""
    errors = []
    for i, cite in enumerate(entry.citations()):
        if cite.ref not in sources:
            where: Loc = (*loc, "source")
            if isinstance(entry.source, list) and isinstance(entry.source[i], Citation):
                where = (*where, i, "ref")
            errors.append(
                ProfileError(
                    f"{'.'.join(map(str, where))}: '{cite.ref}' is not a key of `sources`"
                    f"{hint(cite.ref)}",
                    doc.path,
                    doc.line(where),
                )
            )
    return errors


class CountryFile(Strict):
    """The contents of countries/<iso>.yaml; every fact names its source."""

    country: Text
    iso: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    as_of: DateText | None = None
    sources: dict[str, SourceRef]
    facts: dict[str, FactEntry]
    searched: dict[str, SearchRecord] = {}
    """Country facts searched for without a public finding; profiles inherit them."""


@dataclass(frozen=True)
class Country:
    """A loaded country file: its facts (by id), their lines, and where it lives.

    `label` is how scorecards name it (`countries/pk.yaml`); source keys are prefixed with
    the ISO code (`pk/iea-eiti-members`) when a profile inherits them, so they never collide
    with the profile's own keys.
    """

    name: str
    iso: str
    label: str
    sources: dict[str, SourceRef]
    facts: dict[str, FactEntry]
    lines: dict[str, int]
    doc: Document
    searched: dict[str, SearchRecord] = field(default_factory=dict)


def default_countries_dir(cwd: Path | None = None) -> Path:
    """./countries when it holds country files, else the folder shipped with riskscore."""
    local = (cwd or Path.cwd()) / COUNTRY_DIR
    if local.is_dir() and any(local.glob("*.yaml")):
        return local
    return shipped_countries_dir()


def shipped_countries_dir() -> Path:
    """The country files shipped with riskscore (or a source checkout's countries/)."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_countries"
    if shipped.is_dir():
        return shipped
    return package.parent / COUNTRY_DIR  # running from a source checkout


def load_countries(folder: Path) -> dict[str, Country]:
    """Every country file in `folder`, keyed by lower-case country name and by ISO code.

    Raises ErrorGroup (`path:line: message`) when a file does not parse, its name is not
    `<iso>.yaml`, a fact cites a source key the file lacks, or two files claim one country.
    A missing folder means no country facts (an empty dict). Cached per folder until one of
    its files changes (name, size or modification time), so an edited country file is re-read.
    """
    if not folder.is_dir():
        return {}
    return _load_countries(folder, _signature(folder))


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            stat = path.stat()
            out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


@functools.cache
def _load_countries(
    folder: Path, _signature: tuple[tuple[str, int, int], ...]
) -> dict[str, Country]:
    found: dict[str, Country] = {}
    errors: list[RiskscoreError] = []
    for path in iter_yaml_files(folder):
        doc = load_yaml(path)
        try:
            parsed = CountryFile.model_validate(doc.data)
        except ValidationError as exc:
            errors += from_validation_error(exc, doc, _KNOWN_KEYS, error_type=ProfileError)
            continue
        if path.stem != parsed.iso:
            errors.append(
                ProfileError(
                    f"iso: file name must match the ISO code ('{parsed.iso}.yaml')",
                    path,
                    doc.line(("iso",)),
                )
            )
        for fact_id, entry in parsed.facts.items():
            citations = entry.citations()
            if not citations:
                errors.append(
                    ProfileError(
                        f"facts.{fact_id}: a country fact needs a `source`",
                        path,
                        doc.line(("facts", fact_id)),
                    )
                )
            errors += unknown_source_errors(
                entry,
                parsed.sources,
                ("facts", fact_id),
                doc,
                functools.partial(did_you_mean, choices=parsed.sources),
            )
        for fact_id in parsed.searched:
            if fact_id in parsed.facts:
                errors.append(
                    ProfileError(
                        f"searched.{fact_id}: '{fact_id}' is stated under `facts:`; a "
                        "`searched:` record is for a fact left unknown: remove one of the two",
                        path,
                        doc.line(("searched", fact_id)),
                    )
                )
        country = Country(
            parsed.country,
            parsed.iso,
            f"{COUNTRY_DIR}/{path.name}",
            dict(parsed.sources),
            dict(parsed.facts),
            {f: doc.line(("facts", f)) for f in parsed.facts},
            doc,
            dict(parsed.searched),
        )
        for key in (parsed.country.casefold(), parsed.iso):
            if key in found:
                errors.append(
                    ProfileError(f"a second file for '{key}' ({found[key].label})", path, 1)
                )
            found[key] = country
    if errors:
        raise ErrorGroup(errors)
    return found


def country_of(country: str, folder: Path | None = None) -> Country | None:
    """The country file for a profile's `project.country` (a name or ISO code), if any.

    `folder` holds the country files (default: default_countries_dir(), so ./countries):
    `diff` and `history` pass the folder as committed at a ref, so a country file's change
    moves the profiles that inherit from it.
    """
    return load_countries((folder or default_countries_dir()).resolve()).get(country.casefold())


def country_names(folder: Path | None = None) -> dict[str, str]:
    """ISO code -> country name from the country files (default_countries_dir()), for labels
    such as "Advice for projects in Pakistan only"; empty when the files do not load (the
    labels then show the ISO code, and `validate` reports the files' errors)."""
    try:
        found = load_countries((folder or default_countries_dir()).resolve())
    except RiskscoreError:
        return {}
    return {c.iso: c.name for c in found.values()}
