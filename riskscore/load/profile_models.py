"""A project profile in memory: the file's schema (pydantic) and the validated Profile that
evaluate() reads. No I/O here: load/profile.py reads the file and builds these."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, StrictBool, Tag, model_validator

from riskscore.load.criteria.models import FactValue, Line, Quote, Strict, Text

_DATE_SHAPE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _as_date_text(value: Any) -> Any:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (a bare year arrives as an int) and check it exists."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{value} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    if isinstance(value, str):
        parts = value.split("-")
        try:
            if not _DATE_SHAPE.match(value):
                raise ValueError
            if len(parts) == 3:
                dt.date.fromisoformat(value)
            elif len(parts) == 2:
                dt.date.fromisoformat(value + "-01")
            elif not (len(parts) == 1 and len(value) == 4 and value.isdigit()):
                raise ValueError
        except ValueError:
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise ValueError(
                f"'{shown}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"
            ) from None
    return value


DateText = Annotated[str, BeforeValidator(_as_date_text)]
FullDate = Annotated[DateText, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
"""A day, YYYY-MM-DD: when a passage was read or a search was run."""
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


class ProjectInfo(Strict):
    name: Line
    country: Line
    region: Line | None = None
    commodities: list[Line] = []
    stage: (
        Literal["exploration", "development", "construction", "production", "agreement", "closed"]
        | None
    ) = None
    operator: Line | None = None
    summary: Text | None = None


SourceKind = Literal[
    "official_record",
    "parliamentary_record",
    "company_filing",
    "lender_document",
    "court_or_arbitral_record",
    "press",
    "ngo",
    "search",
    "other",
]
"""What kind of document a source is; the explanation prints it beside the citation.
`official_record` covers statutes, regulations, government and intergovernmental records
(EITI, IEA); `press` covers news reports and opinion articles (the seed articles); `search`
is a documented search (what was searched, where, when) that a "nothing found" value such as
`none_reported` cites."""


class SourceRef(Strict):
    """A citation that facts point at by key."""

    title: Line
    kind: SourceKind | None = None
    ref: Line | None = None
    url: Url | None = None
    publisher: Line | None = None
    date: DateText | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _locatable(self) -> SourceRef:
        if self.kind == "search":
            if self.date is None or self.note is None:
                raise ValueError(
                    "a `kind: search` source needs a `date` (when the search was run) and a "
                    "`note` (what was searched, and where)"
                )
            return self
        if self.ref is None and self.url is None:
            raise ValueError("a source needs a `url` or a `ref` (e.g. a seed file)")
        return self


class Citation(Strict):
    """One source a fact cites, with the passage that supports the value (issue 20).

    `ref` is a key of the file's `sources:`; `quote` the passage, verbatim, at most 600
    characters (QUOTE_MAX) of plain text; `locator` where it is (page, section, paragraph,
    timestamp); `accessed` the day it was read; `translation` an English rendering when the
    source is not in English (only beside a `quote`)."""

    ref: Line
    quote: Quote | None = None
    locator: Line | None = None
    accessed: FullDate | None = None
    translation: Quote | None = None

    @model_validator(mode="after")
    def _translation_of_a_quote(self) -> Citation:
        if self.translation is not None and self.quote is None:
            raise ValueError("a `translation` translates a `quote`; give the quote as well")
        return self


def _source_item_kind(value: Any) -> str:
    return "citation" if isinstance(value, dict | Citation) else "id"


SourceItem = Annotated[
    Annotated[Line, Tag("id")] | Annotated[Citation, Tag("citation")],
    Discriminator(_source_item_kind),
]
"""A list item of a fact's `source`: a source id, or a citation with its passage."""


class FactEntry(Strict):
    """The full form of a fact: its value with provenance."""

    value: FactValue
    source: Line | list[SourceItem] | None = None
    """A source id, or a list of source ids and citations (`{ref, quote, locator, ...}`)."""
    date: DateText | None = None
    note: Text | None = None
    assumption: StrictBool = False

    def citations(self) -> list[Citation]:
        """`source` as citations, in order: a bare id becomes a citation without a passage."""
        if self.source is None:
            return []
        items = [self.source] if isinstance(self.source, str) else self.source
        return [bare_citation(i) if isinstance(i, str) else i for i in items]


@functools.lru_cache(maxsize=4096)
def bare_citation(ref: str) -> Citation:
    """The citation a bare source id stands for: `ref` without a passage. Citations are
    immutable, so one instance per id is shared; `model_construct()` fills four defaults
    through pydantic's field machinery, and a profile cites an id once per fact, which made
    it a fifth of loading a profile (docs/performance.md)."""
    return Citation.model_construct(ref=ref)


class SearchRecord(Strict):
    """A search for an unknown fact that found nothing public: what was searched (registers,
    reports, search terms), the day it was run, and an optional note. It records that someone
    looked; the fact stays unknown."""

    what: Text
    accessed: FullDate
    note: Text | None = None


class WaiverEntry(Strict):
    """An accepted gap or red flag: recorded, owned, and valid only until it expires."""

    criterion: Line
    reason: Text
    owner: Line
    expires: Annotated[DateText, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class ProfileFile(Strict):
    project: ProjectInfo
    as_of: DateText | None = None
    sources: dict[str, SourceRef] = {}
    facts: dict[str, Any] = {}
    searched: dict[str, SearchRecord] = {}
    """Unknown facts searched for without a public finding, by fact id."""
    waivers: list[WaiverEntry] = []


@dataclass(frozen=True)
class StatedFact:
    """One fact a profile states, with where it came from."""

    id: str
    value: str | bool | int | float
    sources: tuple[str, ...] = ()
    date: str | None = None
    note: str | None = None
    assumption: bool = False
    line: int | None = None
    origin: str | None = None
    """None when the profile states the fact; the country file's name (`countries/pk.yaml`)
    when the profile inherits it from there."""
    overrides: str | bool | int | float | None = None
    """The country file's value when the profile overrides it (with a note), else None."""
    source_kinds: tuple[str | None, ...] = ()
    """The `kind` of each source in `sources`, in order (None where not given)."""
    citations: tuple[Citation, ...] = ()
    """Each source the fact cites as a citation (with its passage when given), in the order of
    `sources`; `ref` carries the same key as `sources` (`pk/<key>` when inherited)."""

    deprecated_from: str | None = None
    """The deprecated value the file wrote, when `value` is what it scores as (the fact's
    `deprecated:` mapping); `validate` warns about it."""

    @property
    def quoted(self) -> bool:
        """True when at least one citation carries a passage."""
        return any(c.quote for c in self.citations)


@dataclass(frozen=True)
class Searched:
    """A `searched:` record as loaded: the fact, the search, and where it was written."""

    fact: str
    what: str
    accessed: str
    note: str | None = None
    origin: str | None = None
    """None when the profile records it; the country file's name when inherited."""
    line: int | None = None


@dataclass(frozen=True)
class Waiver:
    """A waiver as loaded, with where it was written."""

    criterion: str
    reason: str
    owner: str
    expires: str
    path: str
    line: int | None = None


@dataclass(frozen=True)
class Profile:
    """A validated project profile."""

    path: str
    project: ProjectInfo
    as_of: str | None
    sources: dict[str, SourceRef]
    facts: dict[str, StatedFact] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    country_iso: str | None = None
    """The ISO code of the country file the profile's country matched (countries/<iso>.yaml),
    None when no file matches; it selects a criterion's `country_advice`."""
    searched: dict[str, Searched] = field(default_factory=dict)
    """Searches that found nothing public, by fact id (facts the profile leaves unknown)."""

    @property
    def slug(self) -> str:
        return PurePath(self.path).stem
