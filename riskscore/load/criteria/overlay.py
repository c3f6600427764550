"""Pydantic models of a set file that `extends:` another set (an overlay), and the origin
record that says which set each criterion and fact comes from. No I/O here: extends.py
reads the chain of sets and applies the overlays.

An overlay's set.yaml names the set it builds on and lists only what it changes:

    extends: critical-minerals-base      # a shipped set's name, or a path (./base, ../x)
    name: pakistan-critical-minerals
    title: ...
    version: 1.0.0
    description: ...
    pillars:        # a new id adds a pillar (all fields); a known id re-weights or re-words it
      - {id: consent, weight: 18}
    bands: [...]    # when given, replaces the base's bands whole
    facts:          # a new id adds a fact; a known id adds enum values or re-words it
      - {id: eiti_status, values: [supporter_with_mandatory_reporting]}
    criteria:       # per criterion: any field replaced, `sources` appended, `gate: null` drops it,
                    # `country_advice` merged per country
      eiti-implementation: {weight: 8, country_advice: {pk: ...}}

Criterion files in the overlay's folder add criteria; a file whose id the base already has
replaces that criterion whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from riskscore.load.criteria.models import (
    Band,
    Condition,
    Context,
    CountryCode,
    CriticalFloor,
    Evidence,
    FactId,
    Gate,
    Number,
    Rounding,
    Rule,
    Slug,
    Source,
    SourceKind,
    Stage,
    StageDef,
    Strict,
    Text,
    Uncertainty,
    UnknownPolicy,
    Weight,
)

ValueId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class PillarPatch(Strict):
    """A pillar to add (every field given) or to change (only `id` and the changed fields)."""

    id: Slug
    title: Text | None = None
    weight: Weight | None = None
    description: Text | None = None


class FactPatch(Strict):
    """A fact to add (a full fact) or to extend: more enum `values`, new wording."""

    id: FactId
    type: Literal["enum", "boolean", "number"] | None = None
    description: Text | None = None
    values: list[ValueId] | None = None
    value_descriptions: dict[str, Text] | None = None
    min: Number | None = None
    max: Number | None = None
    unit: Text | None = None
    actionable: StrictBool | None = None


class CriterionPatch(Strict):
    """Fields of a base criterion to replace; `sources` are appended, `gate: null` drops it.

    Every field of a criterion file but `id` can be replaced, so an overlay can re-word a
    criterion, change its unknown policy or stages, or add and drop its gates.
    """

    title: Text | None = None
    pillar: Slug | None = None
    weight: Weight | None = None
    measures: Text | None = None
    kind: Literal["governance", "context"] | None = None
    unknown: UnknownPolicy | None = None
    stages: list[Stage] | None = None
    rule: Rule | None = None
    not_applicable_when: Condition | None = None
    gate: Gate | None = None
    more_gates: list[Gate] | None = None
    rationale: Text | None = None
    sources: list[Source] | None = None
    remediation: Text | None = None
    country_advice: dict[CountryCode, Text] | None = None
    """Added to the base's advice per country; a country the base already advises is replaced."""


class OverlayFile(Strict):
    """The set.yaml of a set that extends another one.

    `unknown`, `rounding`, `evidence`, `context`, `critical`, `uncertainty`, `stages`,
    `required_source_kinds` and `bands`, when given, replace the base's whole; left out, the
    base's are kept.
    """

    extends: Text
    name: Slug
    title: Text
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    description: Text
    unknown: UnknownPolicy | None = None
    rounding: Rounding | None = None
    evidence: Evidence | None = None
    context: Context | None = None
    critical: list[CriticalFloor] | None = None
    uncertainty: Uncertainty | None = None
    stages: list[StageDef] | None = None
    required_source_kinds: list[SourceKind] | None = None
    pillars: list[PillarPatch] = []
    bands: Annotated[list[Band], Field(min_length=1)] | None = None
    facts: list[FactPatch] = []
    criteria: dict[Slug, CriterionPatch] = {}


@dataclass(frozen=True)
class Origin:
    """Where one criterion or fact of a resolved set comes from.

    `defined_in` is the name of the set that wrote it (the base, or the overlay that added or
    replaced it); `changed_by` lists each later set that patched it with the fields it
    changed, e.g. (("pakistan-critical-minerals", ("weight", "remediation")),).
    """

    defined_in: str
    changed_by: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def patched(self, set_name: str, fields: tuple[str, ...]) -> Origin:
        return Origin(self.defined_in, (*self.changed_by, (set_name, fields)))

    def describe(self) -> str:
        """`base-set` or `base-set; weight, remediation from overlay-set`."""
        parts = [self.defined_in]
        parts += [f"{', '.join(fields)} from {name}" for name, fields in self.changed_by]
        return "; ".join(parts)
