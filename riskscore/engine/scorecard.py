"""Result models: what evaluate() returns and every renderer reads (never recomputes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet

Status = Literal["met", "partial", "unmet", "unknown", "not_applicable"]
Severity = Literal["critical", "high", "medium"]


class Result(BaseModel):
    """Base for result models; built on first use (`defer_build`), like the input models."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Passage(Result):
    """A citation of a stated fact that says where in its source the value is supported:
    `ref` (a key of the scorecard's `citations`), the quoted passage, its locator, the day
    it was read, and an English translation (issue 20)."""

    ref: str
    quote: str | None = None
    locator: str | None = None
    accessed: str | None = None
    translation: str | None = None


class SearchInfo(Result):
    """A search for a fact the profile leaves unknown that found nothing public: what was
    searched, the day, a note, and `origin` (the country file) when inherited."""

    fact: str
    what: str
    accessed: str
    note: str | None = None
    origin: str | None = None


class FactUse(Result):
    """A fact a criterion read: its stated value and citation, or that it is unknown."""

    id: str
    value: str | bool | int | float | None
    known: bool
    sources: list[str] = []
    source_titles: list[str] = []
    assumption: bool = False
    line: int | None = None
    part_score: float | None = None
    part_weight: float = 1.0
    date: str | None = None
    stale: bool = False
    origin: str | None = None
    """Where the value comes from: None for the profile, `countries/pk.yaml` when inherited."""
    citations: list[Passage] = []
    """The fact's citations that carry a passage, a locator or a reading date, in order."""


class WaiverInfo(Result):
    """An analyst's accepted gap or red flag; `active` until it expires."""

    criterion: str
    reason: str
    owner: str
    expires: str
    active: bool
    source: str


class CriterionResult(Result):
    id: str
    title: str
    pillar: str
    weight: float
    kind: Literal["governance", "context"] = "governance"
    score: float | None
    status: Status
    points: float
    max_points: float
    coverage: float
    facts: list[FactUse]
    explanation: str
    sources: list[str]
    remediation: str | None = None
    waiver: WaiverInfo | None = None


class PillarResult(Result):
    id: str
    title: str
    weight: float
    share: float
    score: float | None
    points: float
    max_points: float
    coverage: float | None = None
    """Percent of the pillar's applicable weight whose facts are stated."""


class Flag(Result):
    """A red flag (gate) that tripped, or could not be checked for lack of facts."""

    criterion: str
    severity: Severity
    cap: str
    message: str
    evidence: str
    verified: bool = True
    line: int | None = None
    waiver: WaiverInfo | None = None


class Improvement(Result):
    criterion: str
    title: str
    gain: float
    remediation: str


class Citation(Result):
    """A profile source that a fact in this scorecard cites."""

    title: str
    url: str | None = None
    ref: str | None = None
    date: str | None = None
    kind: str | None = None


class CriteriaSetInfo(Result):
    name: str
    version: str
    hash: str
    lens: str | None = None
    bands: list[str] = []
    band_titles: list[str] = []


class Scorecard(Result):
    project: str
    slug: str
    path: str
    country: str
    country_iso: str | None = None
    """The ISO code of the country file the profile matched (countries/<iso>.yaml); it picks
    each criterion's `country_advice` that the remediation texts end with."""
    as_of: str | None
    stage: str | None = None
    score: float
    score_range: tuple[float, float]
    """The score with every unknown fact at its worst and at its best allowed value."""
    band: str
    """The band; provisional when `evidence_sufficient` is false."""
    band_title: str
    band_meaning: str
    band_reason: str
    """Why the band is what it is: the score, a pillar minimum, a critical floor, a red flag,
    or insufficient evidence (then the provisional band's reason follows)."""
    band_range: tuple[str, str]
    """The bands of the two ends of `score_range`: (worst, best)."""
    evidence_sufficient: bool
    band_before_caps: str
    band_notes: list[str]
    coverage: float
    coverage_sourced: float = 0.0
    coverage_assumed: float = 0.0
    stale_facts: list[str] = []
    governance_score: float | None = None
    """The overall score of the governance criteria alone (0-100)."""
    context_score: float | None = None
    context_rating: str | None = None
    flags: list[Flag]
    unverified_flags: list[Flag]
    pillars: list[PillarResult]
    criteria: list[CriterionResult]
    improvements: list[Improvement]
    waivers: list[WaiverInfo] = []
    citations: dict[str, Citation] = {}
    searched: list[SearchInfo] = []
    """Unknown facts searched for without a public finding, by fact id: "looked, nothing
    public" as against "nobody looked"."""
    criteria_set: CriteriaSetInfo


class GateInfo(Result):
    severity: Severity
    cap: str
    message: str


class CriterionInfo(Result):
    """A criterion's definition as the report's readers need it (SARIF rules, docs links)."""

    id: str
    title: str
    pillar: str
    weight: float
    measures: str
    rationale: str
    remediation: str
    country_advice: dict[str, str] = {}
    """Advice by country ISO code, added to `remediation` on that country's scorecards."""
    sources: list[str]
    gate: GateInfo | None = None


class Report(Result):
    """The JSON document: one or more scorecards and the methodology that produced them."""

    riskscore_version: str
    criteria_set: CriteriaSetInfo
    criteria: list[CriterionInfo] = []
    scorecards: list[Scorecard]


def set_info(cset: CriteriaSet) -> CriteriaSetInfo:
    """What every output records about the methodology that produced it."""
    head = cset.header
    return CriteriaSetInfo(
        name=head.name,
        version=head.version,
        hash=cset.hash,
        lens=cset.lens,
        bands=[b.id for b in head.bands],
        band_titles=[b.title for b in head.bands],
    )


def criterion_definitions(cset: CriteriaSet) -> list[CriterionInfo]:
    """The criteria as reports carry them, for readers without the criteria files."""
    return [
        CriterionInfo(
            id=c.id,
            title=c.title,
            pillar=c.pillar,
            weight=float(c.weight),
            measures=c.measures.strip(),
            rationale=c.rationale.strip(),
            remediation=c.remediation.strip(),
            country_advice={iso: text.strip() for iso, text in sorted(c.country_advice.items())},
            sources=[s.ref for s in c.sources],
            gate=GateInfo(severity=c.gate.severity, cap=c.gate.cap, message=c.gate.message.strip())
            if c.gate
            else None,
        )
        for c in cset.criteria
    ]
