"""Help analysts write profiles: a skeleton listing the vocabulary, and JSON Schemas for editors."""

from __future__ import annotations

import json
import textwrap
from typing import Any, get_args

from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Criterion, Fact, condition_facts, rule_facts
from riskscore.load.profile_models import FactEntry, ProfileFile, ProjectInfo

MODELINE = "# yaml-language-server: $schema=../docs/schema/profile.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_WIDTH = 96
_DATE_TEXT: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "description": "A date written YYYY-MM-DD, YYYY-MM or YYYY.",
}
_PYDANTIC_BOUNDS = {
    "gt": "exclusiveMinimum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "le": "maximum",
}


def fact_kind(fact: Fact) -> str:
    """The allowed values of a fact in one line: `enum: a | b`, `number: 0 to 100 percent`."""
    if fact.type == "enum":
        return "enum: " + " | ".join(fact.values or [])
    if fact.type == "boolean":
        return "boolean: true | false"
    low = "" if fact.min is None else f"{fact.min}"
    high = "" if fact.max is None else f"{fact.max}"
    bounds = f" {low or '-∞'} to {high or '∞'}" if low or high else ""
    return f"number:{bounds}{' ' + fact.unit if fact.unit else ''}"


def _readers(cset: CriteriaSet) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for crit in cset.criteria:
        ids = rule_facts(crit.rule)
        for cond in (crit.not_applicable_when, crit.gate and crit.gate.when):
            if cond is not None:
                ids += condition_facts(cond)
        for fact_id in dict.fromkeys(ids):
            found.setdefault(fact_id, []).append(crit.id)
    return found


def _comment(text: str, indent: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        _WIDTH,
        initial_indent=f"{indent}# {first}",
        subsequent_indent=f"{indent}# {rest}",
        break_on_hyphens=False,
    )


def profile_skeleton(cset: CriteriaSet, name: str, country: str) -> str:
    """A profile that validates as it is (every fact unknown) and lists every fact to fill in."""
    head = cset.header
    stages = " | ".join(get_args(get_args(ProjectInfo.model_fields["stage"].annotation)[0]))
    lines = [
        MODELINE,
        f"# A riskscore profile for the criteria set {head.name} {head.version}.",
        "# A fact left out scores as unknown, which is not the same as no. State a fact only",
        "# with a source; when a value is a judgement call, set `assumption: true` and give the",
        "# reason in `note`.",
        "project:",
        f"  name: {json.dumps(name, ensure_ascii=False)}",
        f"  country: {json.dumps(country, ensure_ascii=False)}",
        "  # region: district and province",
        "  # commodities: [copper, gold]",
        f"  # stage: {stages}",
        "  # operator: the operating company and its partners, with shares",
        "  # summary: two or three sentences on what the project is and where it stands",
        "# as_of: the date (YYYY-MM-DD) the facts were last reviewed",
        "sources: {}",
        "  # Replace {} with one entry per document the facts cite, keyed by a short slug:",
        "  # a-short-key:",
        "  #   title: the document's title (required)",
        "  #   url: its web address, or `ref:` a seed file path (one of the two is required)",
        "  #   publisher: who published it",
        "  #   date: when it was published (YYYY-MM-DD, YYYY-MM or YYYY)",
        "facts: {}",
        "  # Replace {} with the facts you can source, each in full form:",
        "  # a_fact_id:",
        "  #   value: one of the allowed values below",
        "  #   source: [a-short-key]   # keys of `sources`",
        "  #   date: when the fact was true or reported",
        "  #   note: what the source says, in a sentence",
        "  #   assumption: false      # true when the value is the analyst's judgement",
    ]
    readers = _readers(cset)
    for fact in head.facts:
        used = ", ".join(readers.get(fact.id, [])) or "no criterion"
        lines += ["  #", *_comment(fact_kind(fact), "  ", f"{fact.id}:  # ", "    ")]
        lines += _comment(fact.description, "  ", "  ", "  ")
        for value, meaning in (fact.value_descriptions or {}).items():
            lines += _comment(meaning, "  ", f"  - {value}: ", "    ")
        lines += _comment(f"Read by: {used}.", "  ", "  ", "  ")
    return "\n".join(lines) + "\n"


def _standard_bounds(node: Any, names: bool = False) -> Any:
    """pydantic writes gt/ge/lt/le on unions; JSON Schema spells them (exclusive)minimum/maximum.

    `names` marks a mapping whose keys are property or definition names, never renamed.
    """
    if isinstance(node, list):
        return [_standard_bounds(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        (k if names else _PYDANTIC_BOUNDS.get(k, k)): _standard_bounds(
            v, not names and k in ("properties", "$defs")
        )
        for k, v in node.items()
    }


def _plain_value(fact: Fact) -> dict[str, Any]:
    if fact.type == "enum":
        schema: dict[str, Any] = {"type": "string", "enum": list(fact.values or [])}
        if fact.value_descriptions:
            schema["enumDescriptions"] = [
                fact.value_descriptions.get(v, "") for v in fact.values or []
            ]
        return schema
    if fact.type == "boolean":
        return {"type": "boolean"}
    schema = {"type": "number"}
    if fact.min is not None:
        schema["minimum"] = fact.min
    if fact.max is not None:
        schema["maximum"] = fact.max
    return schema


def _fact_schema(fact: Fact, entry: dict[str, Any]) -> dict[str, Any]:
    value = _plain_value(fact)
    full = {**entry, "properties": {**entry["properties"], "value": value}}
    return {
        "title": fact.id,
        "description": f"{' '.join(fact.description.split())} ({fact_kind(fact)})",
        "anyOf": [value, full],
    }


def profile_schema(cset: CriteriaSet) -> dict[str, Any]:
    """JSON Schema of a profile for this criteria set: its facts, values and ranges, closed."""
    schema = _standard_bounds(ProfileFile.model_json_schema())
    defs = schema["$defs"]
    defs["DateText"] = _DATE_TEXT
    nullable_date = {"anyOf": [{"$ref": "#/$defs/DateText"}, {"type": "null"}], "default": None}
    defs["SourceRef"]["properties"]["date"] = nullable_date
    defs["SourceRef"]["anyOf"] = [
        {"required": ["ref"]},
        {"required": ["url"]},
        {"properties": {"kind": {"const": "search"}}, "required": ["kind", "date", "note"]},
    ]
    defs["WaiverEntry"]["properties"]["expires"] = {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": "The last day the waiver applies (YYYY-MM-DD).",
    }
    entry = _standard_bounds(FactEntry.model_json_schema())
    entry["properties"]["date"] = nullable_date
    entry.pop("title", None)
    defs.update(entry.pop("$defs", {}))
    day = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    day["description"] = "A day (YYYY-MM-DD)."
    defs["Citation"]["properties"]["accessed"] = {"anyOf": [day, {"type": "null"}], "default": None}
    defs["SearchRecord"]["properties"]["accessed"] = day
    head = cset.header
    schema["properties"]["as_of"] = {**nullable_date, "title": "As Of"}
    schema["properties"]["facts"] = {
        "type": "object",
        "title": "Facts",
        "description": f"Facts of the vocabulary of {head.name} {head.version}; "
        "a fact left out is unknown.",
        "default": {},
        "additionalProperties": False,
        "properties": {f.id: _fact_schema(f, entry) for f in head.facts},
    }
    schema.update(
        {
            "$schema": DRAFT,
            "title": f"riskscore profile ({head.name} {head.version})",
            "description": f"A project profile scored against the criteria set {head.name}.",
        }
    )
    return schema


def criteria_schema() -> dict[str, Any]:
    """JSON Schema of one criterion file (criteria/<id>.yaml)."""
    schema = _standard_bounds(Criterion.model_json_schema(by_alias=True))
    schema.update(
        {
            "$schema": DRAFT,
            "title": "riskscore criterion",
            "description": "One criterion of a riskscore criteria set (criteria/<id>.yaml).",
        }
    )
    return schema


def schema_text(schema: dict[str, Any]) -> str:
    """The committed form: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
