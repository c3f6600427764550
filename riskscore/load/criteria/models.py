"""Pydantic models of a criteria set: the set header, facts, criteria, rules, gates, lenses."""

from __future__ import annotations

import itertools
import re
from contextvars import ContextVar
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    model_validator,
)

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$", max_length=64)]
FactId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Number = StrictInt | StrictFloat
Score = Annotated[Number, Field(ge=0, le=1)]
Weight = Annotated[Number, Field(gt=0, le=1000)]
Text = Annotated[StrictStr, Field(min_length=1)]

_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")


def _one_line(value: Any) -> Any:
    """Trim a one-line field and refuse a line break inside it (`name: >` keeps a final one)."""
    if isinstance(value, str):
        value = value.strip()
        if _LINE_BREAK.search(value):
            raise ValueError(
                "must be one line: it is used as a heading, a table cell and an annotation "
                "title; remove the line break"
            )
    return value


Line = Annotated[StrictStr, BeforeValidator(_one_line), Field(min_length=1)]
"""Text shown on one line (names, titles, ids): trimmed at load; a line break is an error."""

QUOTE_MAX = 600
"""The longest passage a citation may quote, in characters: a sentence or two that supports
the value, as short quotation for analysis allows (docs/profile-format.md)."""
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def _plain_passage(value: Any) -> Any:
    """Trim a quoted passage, join its lines with single spaces, refuse markup and length."""
    if isinstance(value, str):
        value = " ".join(value.split())
        if _MARKUP.search(value):
            raise ValueError(
                "a quote is plain text: remove the HTML tags (every output escapes the text "
                "for its own format)"
            )
        if len(value) > QUOTE_MAX:
            raise ValueError(
                f"a quote is at most {QUOTE_MAX} characters (this one has {len(value)}); keep "
                "the sentence or two that supports the value"
            )
    return value


Quote = Annotated[
    StrictStr, BeforeValidator(_plain_passage), Field(min_length=1, max_length=QUOTE_MAX)
]
"""A passage quoted from a source: plain text, at most QUOTE_MAX characters, whitespace
collapsed to single spaces (a folded or literal block reads the same)."""
FactValue = StrictStr | StrictBool | StrictInt | StrictFloat


class Strict(BaseModel):
    """Base for every input model: unknown keys are errors, values are immutable.

    `defer_build`: a model's validator is built when it is first used, not when the module is
    imported, so a command pays only for the models it validates (docs/performance.md). For the
    same reason a default that is itself a model is made with `model_construct()`: its field
    defaults are valid by definition, and calling the model would build its validator."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# --- the set file ----------------------------------------------------------------------------


CountryCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
"""ISO 3166-1 alpha-2 country code in lower case, as countries/<iso>.yaml names its file."""

SourceKind = Literal["seed", "standard", "other"]


LEGACY_READS: ContextVar[list[str] | None] = ContextVar("LEGACY_READS", default=None)
"""Set (to a list) while a criteria set committed at an older git ref is read (`diff --base`,
`history`, `validate --base`): the `exclude` unknown policy of method v2 is then read as what
method v3 does with an unknown fact (scores 0), and each such read is recorded in the list, so
the comparison says it happened. A set in the work tree never gets this leniency."""


def _no_exclude(value: Any) -> Any:
    """Refuse the `exclude` policy of method v2 with a message that says what replaced it
    (read as `score` inside LEGACY_READS, for sets committed before method v3)."""
    legacy = LEGACY_READS.get()
    if value == "exclude" and legacy is not None:
        legacy.append("exclude")
        return "score"
    if value == "exclude":
        raise ValueError(
            "the `exclude` unknown policy was removed in method v3: an unknown fact scores 0 "
            "(no credit without evidence, as the Responsible Mining Index and EITI Validation "
            "give none) and is listed as imputed; delete this `unknown:` block"
        )
    return value


def _zero_only(value: Any) -> Any:
    if value != 0:
        raise ValueError(
            f"an unknown fact scores 0 in method v3 (no credit without evidence), not {value}: "
            "a higher score would let a profile that says less score more"
        )
    return value


class UnknownPolicy(Strict):
    """How a criterion whose fact the profile does not state is scored: 0, always.

    Method v3 (docs/methodology.md, P2): an unknown fact earns no credit, as the Responsible
    Mining Index, the Corporate Human Rights Benchmark and EITI Validation give none without
    evidence. The block is kept so that a set still declaring the removed `exclude` policy (or
    a non-zero score) gets a `path:line:` error that says so.
    """

    policy: Annotated[Literal["score"], BeforeValidator(_no_exclude)] = "score"
    score: Annotated[Score, BeforeValidator(_zero_only)] = 0


class Rounding(Strict):
    """The one rounding rule: scores are exact fractions until printed, then rounded half-up.

    `score_digits` applies to overall and pillar scores (0-100) and to points;
    `criterion_digits` to criterion scores (0-1). `bands_judged_on` says whether band and
    pillar minimums compare with the exact or the printed score.
    """

    mode: Literal["half_up"] = "half_up"
    score_digits: Annotated[int, Field(ge=0, le=6)] = 2
    criterion_digits: Annotated[int, Field(ge=0, le=8)] = 5
    bands_judged_on: Literal["exact", "printed"] = "printed"


class Evidence(Strict):
    """When the evidence is sufficient to state a band (otherwise the band is provisional).

    Insufficient when coverage (percent of nominal weight on stated facts) is under
    `min_coverage`, or when the band range (every unknown fact at worst vs best) spans more
    than `max_band_spread` band steps. `meaning` replaces the band meaning in the headline.
    """

    min_coverage: Annotated[Number, Field(ge=0, le=100)] = 0
    max_band_spread: Annotated[int, Field(ge=0)] | None = None
    meaning: Text = "The stated facts are too few to assign a band; the band shown is provisional."
    stale: Literal["keep", "unknown"] = "keep"
    """How a stale fact scores: `keep` its value (the scorecard marks it), or as `unknown`."""
    require_quotes: StrictBool = False
    """True: `validate` warns about every stated fact, not marked `assumption`, that no
    citation's `quote` supports, and `validate --strict` fails on it (issue 20)."""


class ContextRating(Strict):
    id: Slug
    title: Text
    min: Annotated[Number, Field(ge=0, le=100)]


class Context(Strict):
    """How context criteria (the setting, not the parties' choices) are reported.

    `ratings` map the context score (0-100, weighted mean of the context criteria) to a
    rating, best first, each with the minimum it needs; `combine` states in words how context
    enters the band (the shipped set keeps it in the overall score and lets gates use it).
    """

    ratings: Annotated[list[ContextRating], Field(min_length=1)]
    combine: Text


class Pillar(Strict):
    id: Slug
    title: Line
    weight: Weight
    description: Text


class Band(Strict):
    id: Slug
    title: Line
    min: Annotated[Number, Field(ge=0, le=100)]
    pillar_min: Annotated[Number, Field(ge=0, le=100)] | None = None
    meaning: Text
    capped_meaning: Text | None = None
    """Shown instead of `meaning` when a pillar minimum, floor or gate (not the average) put
    the project in this band, so the meaning never contradicts the band's reason."""


class CriticalFloor(Strict):
    """An IRMA-style critical-requirement floor: for a band at least as good as `band`, every
    listed criterion must score at least `min` (0-1) when it applies; an unknown critical
    criterion scores 0 and so is not met (IRMA Standard v1.0, critical requirements).

    `when` (optional) limits the floor to projects where a condition holds (IFC PS4 scales
    security expectations to the risk). A condition on unknown facts counts as holding at the
    stated score and as not holding at the best end of the range."""

    band: Slug
    criteria: Annotated[list[Slug], Field(min_length=1)]
    min: Score
    when: Condition | None = None
    why: Text | None = None
    """The clause the floor implements and what it does, printed with the cap."""


class Fact(Strict):
    id: FactId
    type: Literal["enum", "boolean", "number"]
    description: Text
    values: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] | None = None
    value_descriptions: dict[str, Text] | None = None
    min: Number | None = None
    max: Number | None = None
    unit: Text | None = None
    actionable: StrictBool = True
    """False for context the project cannot change (e.g. conflict nearby); roadmaps skip it."""
    stale_after_months: Annotated[int, Field(gt=0)] | None = None
    """A stated value dated more than this many months before `as_of` is stale."""
    absence_value: StrictStr | StrictBool | None = None
    """The value that records "looked, nothing found" (`none_reported`, `undisclosed`, `none`,
    or false for a boolean): a profile states it, sourced to a `kind: search` source, rather
    than recording the fact under `searched:` (issue 20)."""

    reachable: dict[str, list[str]] = {}
    """Value -> the values a change can lead to from it, for a value that records a past event
    (a dispute that happened can be settled, never undone; bribery found can be remediated,
    never unfound): a roadmap proposes only these from it. A value not listed may move to any
    value, and an unknown fact may be stated with any (issue 19, P8)."""

    @model_validator(mode="after")
    def _reachable_values(self) -> Fact:
        if self.reachable and self.type != "enum":
            raise ValueError("`reachable` only applies to enum facts")
        known = set(self.values or [])
        for value, targets in self.reachable.items():
            strays = sorted({value, *targets} - known)
            if strays:
                raise ValueError(f"`reachable` names values not in `values`: {strays}")
        return self

    deprecated: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], str] = {}
    """Old value -> the current value it scores as (its lower reading). A profile may still
    state the old value: `validate` warns, the scorecard shows what it was read as, and no
    roadmap proposes it."""

    @model_validator(mode="after")
    def _fits_type(self) -> Fact:
        if self.type == "enum":
            if not self.values:
                raise ValueError("an enum fact needs a non-empty `values` list")
            if len(set(self.values)) != len(self.values):
                raise ValueError("`values` lists the same value twice")
            extra = set(self.value_descriptions or {}) - set(self.values)
            if extra:
                raise ValueError(
                    f"value_descriptions names values not in `values`: {sorted(extra)}"
                )
            for old, new in self.deprecated.items():
                if old in self.values or new not in self.values:
                    raise ValueError(
                        f"deprecated value '{old}' must map a value no longer in `values` to "
                        f"one in it, not '{new}'"
                    )
        elif self.deprecated:
            raise ValueError("`deprecated` only applies to enum facts")
        elif self.values is not None or self.value_descriptions is not None:
            raise ValueError(f"`values` only applies to enum facts, not {self.type}")
        if self.type != "number" and (self.min is not None or self.max is not None):
            raise ValueError("`min`/`max` only apply to number facts")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        absent = self.absence_value
        if absent is not None and not (
            (self.type == "enum" and absent in (self.values or []))
            or (self.type == "boolean" and isinstance(absent, bool))
        ):
            raise ValueError(
                "`absence_value` must be one of the fact's `values` (or true/false for a "
                f"boolean fact; a number fact has none), got {absent!r}"
            )
        return self


# --- uncertainty and sensitivity analysis -----------------------------------------------------
# The modelling choices `riskscore sensitivity` varies (OECD/JRC Handbook on Composite
# Indicators, 2008, step 7; Saisana, Saltelli and Tarantola, JRSS A 168(2), 2005).


class WeightUncertainty(Strict):
    """How pillar and criterion weights vary: each multiplied by U[1 - spread, 1 + spread], or
    drawn as Dirichlet(concentration x nominal share), pillars among pillars and criteria
    within their pillar (a larger concentration keeps the draws nearer the set's weights)."""

    distribution: Literal["uniform", "dirichlet"] = "uniform"
    spread: Annotated[Number, Field(ge=0, lt=1)] = 0.25
    concentration: Annotated[Number, Field(gt=0)] = 50


class AggregationUncertainty(Strict):
    """The pillar aggregations to choose between, each equally likely; the first is the set's
    own. `geometric` is the weighted geometric mean of the pillar scores after moving them
    from [0, 100] onto [geometric_floor, 100] (and back), so a pillar at 0 does not zero the
    score (the JRC's practice of normalising onto [1, 100] before a geometric mean)."""

    alternatives: Annotated[
        list[Literal["arithmetic", "geometric"]], Field(min_length=1, max_length=2)
    ] = ["arithmetic", "geometric"]
    geometric_floor: Annotated[Number, Field(gt=0, lt=100)] = 1

    @model_validator(mode="after")
    def _arithmetic_first(self) -> AggregationUncertainty:
        if self.alternatives[0] != "arithmetic":
            raise ValueError("the first alternative is the engine's own: `arithmetic`")
        if len(set(self.alternatives)) != len(self.alternatives):
            raise ValueError("`alternatives` lists the same aggregation twice")
        return self


class UnknownUncertainty(Strict):
    """How unknown facts enter the analysis (issue 19, P9: drawn as the method treats them).

    `draw: unknown` (the default): they stay unknown in every run and score 0, as the method
    scores them; the analysis varies the modelling choices only. `draw: documented`: every run
    states each unknown fact as if it had been documented, a value that can trip a red flag
    with probability `gate_prior` (uniform among such values) and otherwise uniform among the
    other values (enum values, true/false, or `number_grid` evenly spaced numbers between the
    fact's min and max), so a mine with no report is never given a one-in-three chance of
    proven bribery. `vary: false` leaves unknown facts out whatever `draw` says."""

    vary: StrictBool = True
    draw: Literal["unknown", "documented"] = "unknown"
    gate_prior: Annotated[Number, Field(ge=0, le=1)] = 0.05
    number_grid: Annotated[StrictInt, Field(ge=2, le=101)] = 11


class AssumptionUncertainty(Strict):
    """Facts a profile flags `assumption: true`: drawn uniformly among the stated value and
    its neighbours up to `steps` ordinal steps either way (enum values in their declared
    order; a boolean may flip; a number moves by grid steps of (max - min) / (grid - 1))."""

    vary: StrictBool = True
    steps: Annotated[StrictInt, Field(ge=1, le=3)] = 1


class CutoffUncertainty(Strict):
    """Each band's overall minimum moves by U[-points, +points] (per-pillar minimums stay)."""

    points: Annotated[Number, Field(ge=0, le=25)] = 5


class Uncertainty(Strict):
    """The `uncertainty:` section of set.yaml; a lens or `--uncertainty FILE` may override any
    of its five groups."""

    weights: WeightUncertainty = WeightUncertainty.model_construct()
    aggregation: AggregationUncertainty = AggregationUncertainty.model_construct()
    unknowns: UnknownUncertainty = UnknownUncertainty.model_construct()
    assumptions: AssumptionUncertainty = AssumptionUncertainty.model_construct()
    cutoffs: CutoffUncertainty = CutoffUncertainty.model_construct()

    def overridden(self, other: Uncertainty | None) -> Uncertainty:
        """This section with the groups `other` states replaced by `other`'s."""
        if other is None:
            return self
        return self.model_copy(update={k: getattr(other, k) for k in other.model_fields_set})


class StageDef(Strict):
    """A project stage, defined by the observable milestone that starts it."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    milestone: Text


class SetFile(Strict):
    """The contents of criteria/set.yaml."""

    name: Slug
    title: Line
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    description: Text
    unknown: UnknownPolicy = UnknownPolicy.model_construct()
    rounding: Rounding = Rounding.model_construct()
    evidence: Evidence = Evidence.model_construct()
    context: Context | None = None
    critical: Annotated[list[CriticalFloor], Field(default_factory=list)]
    pillars: Annotated[list[Pillar], Field(min_length=1)]
    bands: Annotated[list[Band], Field(min_length=1)]
    facts: Annotated[list[Fact], Field(min_length=1)]
    uncertainty: Uncertainty = Uncertainty.model_construct()
    stages: list[StageDef] = []
    """Project stages in life-cycle order, each defined by its milestone (docs/profile-format.md);
    a profile's `project.stage` must be one of them when the set declares any."""
    required_source_kinds: list[SourceKind] = ["standard"]
    """Kinds of source every criterion must cite at least once: a standard by default; the
    Pakistan overlay also requires a seed article."""


Stage = Literal["agreement", "exploration", "development", "construction", "production", "closed"]
"""Project stages in life-cycle order (the shipped set's `stages:` defines each by its
milestone)."""
STAGE_ORDER: tuple[str, ...] = (
    "agreement",
    "exploration",
    "development",
    "construction",
    "production",
    "closed",
)


# --- conditions ------------------------------------------------------------------------------


class FactCondition(Strict):
    """True when a stated fact has one of the values, or lies below / at least a number."""

    fact: FactId
    in_: list[FactValue] | None = Field(default=None, alias="in")
    below: Number | None = None
    at_least: Number | None = None

    @model_validator(mode="after")
    def _one_test(self) -> FactCondition:
        tests = [t for t in (self.in_, self.below, self.at_least) if t is not None]
        if len(tests) != 1:
            raise ValueError("a condition needs exactly one of `in`, `below`, `at_least`")
        return self


class AllCondition(Strict):
    all: Annotated[list[Condition], Field(min_length=1)]


class AnyCondition(Strict):
    any: Annotated[list[Condition], Field(min_length=1)]


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any"):
            if key in value:
                return key
    elif isinstance(value, BaseModel):
        return (
            "all"
            if isinstance(value, AllCondition)
            else ("any" if isinstance(value, AnyCondition) else "fact")
        )
    return "fact"


Condition = Annotated[
    Annotated[FactCondition, Tag("fact")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")],
    Discriminator(_condition_kind),
]
AllCondition.model_rebuild()
AnyCondition.model_rebuild()


# --- scoring rules ---------------------------------------------------------------------------


class BooleanRule(Strict):
    type: Literal["boolean"]
    fact: FactId
    true_score: Score = 1
    false_score: Score = 0


class LevelsRule(Strict):
    type: Literal["levels"]
    fact: FactId
    scores: Annotated[dict[str, Score], Field(min_length=1)]
    reachable_from: dict[str, Stage] = {}
    """Value -> the first stage at which it can exist (the `tracked` tier of local hiring needs
    a workforce: construction). Before that stage the value is not applicable and the best
    value that can exist there scores as the rule's top score."""


class Step(Strict):
    at_least: Number
    score: Score


class ThresholdsRule(Strict):
    type: Literal["thresholds"]
    fact: FactId
    steps: Annotated[list[Step], Field(min_length=1)]
    below: Score = 0

    @model_validator(mode="after")
    def _increasing(self) -> ThresholdsRule:
        edges = [s.at_least for s in self.steps]
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise ValueError("`steps` must have strictly increasing `at_least` values")
        return self


class Point(Strict):
    at: Number
    score: Score


class LinearRule(Strict):
    type: Literal["linear"]
    fact: FactId
    points: Annotated[list[Point], Field(min_length=2)]

    @model_validator(mode="after")
    def _increasing(self) -> LinearRule:
        xs = [p.at for p in self.points]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ValueError("`points` must have strictly increasing `at` values")
        return self


SimpleRule = Annotated[
    BooleanRule | LevelsRule | ThresholdsRule | LinearRule, Field(discriminator="type")
]


class Part(Strict):
    weight: Weight
    rule: SimpleRule
    stages: list[Stage] | None = None
    """Stages at which the part applies; at another stated stage it leaves the rule and its
    weight goes to the other parts (revenue transfers cannot be published before production)."""


class WeightedRule(Strict):
    type: Literal["weighted"]
    parts: Annotated[list[Part], Field(min_length=1)]


Rule = Annotated[
    BooleanRule | LevelsRule | ThresholdsRule | LinearRule | WeightedRule,
    Field(discriminator="type"),
]
RULE_TYPES = ("boolean", "levels", "thresholds", "linear", "weighted")


# --- criteria and lenses ---------------------------------------------------------------------


class Gate(Strict):
    """A red flag: when its condition holds on stated facts (a verified red flag), the band is
    capped whatever the score. When the condition depends on unknown facts the flag is
    unverified: it caps nothing and is listed with the band it would impose."""

    when: Condition
    cap: Slug
    severity: Literal["critical", "high", "medium"]
    message: Text
    expected_when: Condition | None = None
    """Where this condition holds, due diligence expects the check to have been made (OECD
    guidance in conflict-affected and high-risk areas): an unverified flag then makes the
    evidence insufficient."""
    window_months: Annotated[int, Field(gt=0)] | None = None
    """A tripping fact dated more than this many months before `as_of` no longer caps: the flag
    is listed as lapsed. Without it the flag never lapses (until the value changes)."""


class Source(Strict):
    """A source a criterion cites. `ref` names it (a standard's clause; for `kind: seed`, the
    source article's file, kept as its stable id); a seed article also carries what a reader
    needs to find it: `title` (the headline), `publisher`, `date` (YYYY, YYYY-MM or
    YYYY-MM-DD) and `url`. A standard may add the clause and passage that anchor the rule
    (`clause`: e.g. "Requirement 2.4(a)"; `quote`: the passage, plain text, at most
    QUOTE_MAX characters)."""

    kind: SourceKind
    ref: Text
    title: Line | None = None
    publisher: Line | None = None
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    clause: Line | None = None
    quote: Quote | None = None
    note: Text | None = None


class Criterion(Strict):
    id: Slug
    title: Line
    pillar: Slug
    weight: Weight
    measures: Text
    kind: Literal["governance", "context"] = "governance"
    """governance: what the project's parties control; context: the setting they work in."""
    unknown: UnknownPolicy | None = None
    """Overrides the set's unknown policy for this criterion."""
    stages: list[Stage] | None = None
    """Project stages at which the criterion applies; at any other stated stage it is not
    applicable (royalty payments cannot be reported before production)."""
    rule: Rule
    not_applicable_when: Condition | None = None
    gate: Gate | None = None
    more_gates: list[Gate] = []
    """Further red flags of the same criterion (e.g. a lower cap for unresolved allegations
    beside the failing cap for substantiated ones)."""
    rationale: Text
    sources: Annotated[list[Source], Field(min_length=1)]
    remediation: Text
    country_advice: dict[CountryCode, Text] = {}
    """Advice for projects in one country, keyed by ISO 3166-1 alpha-2 code in lower case (the
    `iso` of countries/<iso>.yaml). It is printed after `remediation` only on scorecards of
    profiles in that country, so a country-neutral set can carry one country's specifics in
    an overlay without them reaching projects elsewhere."""


class Lens(Strict):
    """A named view for one reader: re-weights pillars and criteria and may change band
    thresholds, gate caps and critical criteria (e.g. an investor's view)."""

    id: Slug
    title: Line
    description: Text
    pillar_weights: dict[str, Weight] = {}
    criterion_weights: dict[str, Weight] = {}
    uncertainty: Uncertainty | None = None
    """Groups of the set's `uncertainty:` section this lens replaces."""
    gate_caps: dict[str, Slug] = {}
    """Criterion id -> the band its gates cap at under this lens; a lens only tightens a cap
    (a gate whose shipped cap is already lower keeps it)."""
    band_pillar_min: dict[str, Annotated[Number, Field(ge=0, le=100)]] = {}
    """Band id -> the per-pillar minimum that band needs under this lens."""
    critical: list[CriticalFloor] = []
    """Critical floors added by this lens."""


def rule_facts(rule: Any) -> list[str]:
    """Fact ids a rule reads, in order."""
    if isinstance(rule, WeightedRule):
        return [f for part in rule.parts for f in rule_facts(part.rule)]
    return [rule.fact]


def condition_facts(cond: Any) -> list[str]:
    """Fact ids a condition reads, in order."""
    if isinstance(cond, AllCondition):
        return [f for c in cond.all for f in condition_facts(c)]
    if isinstance(cond, AnyCondition):
        return [f for c in cond.any for f in condition_facts(c)]
    return [cond.fact]
