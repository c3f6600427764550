"""A project profile in memory: the file's schema (pydantic) and the validated Profile that
evaluate() reads. No I/O here: load/profile.py reads the file and builds these."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, model_validator

from riskscore.load.criteria.models import FactValue, Line, Strict, Text

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
    "other",
]
"""What kind of document a source is; the explanation prints it beside the citation.
`official_record` covers statutes, regulations, government and intergovernmental records
(EITI, IEA); `press` covers news reports and opinion articles (the seed articles)."""


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
        if self.ref is None and self.url is None:
            raise ValueError("a source needs a `url` or a `ref` (e.g. a seed file)")
        return self


class Citation(Strict):
    """One source a fact cites, with the passage that supports the value (issue 20; the
    minimal shape: the evidence-queue work builds the rest on it)."""

    ref: Line
    """A key of the file's `sources:`."""
    quote: Text | None = None
    """The supporting passage, verbatim, one or two sentences."""
    locator: Line | None = None
    """Where in the source: page, section, article, paragraph."""
    accessed: DateText | None = None
    translation: Text | None = None


class FactEntry(Strict):
    """The full form of a fact: its value with provenance."""

    value: FactValue
    source: Line | list[Line | Citation] | None = None
    date: DateText | None = None
    note: Text | None = None
    assumption: StrictBool = False


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
    waivers: list[WaiverEntry] = []


def source_keys(source: str | list[str | Citation] | None) -> list[str]:
    """The source keys a fact's `source` names, whether ids or citations, in order."""
    if source is None:
        return []
    if isinstance(source, str):
        return [source]
    return [s if isinstance(s, str) else s.ref for s in source]


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
    deprecated_from: str | None = None
    """The deprecated value the file wrote, when `value` is what it scores as (the fact's
    `deprecated:` mapping); `validate` warns about it."""


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

    @property
    def slug(self) -> str:
        return PurePath(self.path).stem
