"""`riskscore criteria`: the set as a summary table, the full markdown reference, or JSON."""

from __future__ import annotations

import json

from rich.console import RenderableType

from riskscore.engine.scorecard import set_info
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import rule_facts
from riskscore.render import RenderOptions
from riskscore.render.common import console_text, fmt_pct
from riskscore.render.layout import Column, fit_table
from riskscore.render.reference import effective_weights, facts_markdown, set_markdown


def render_listing(cset: CriteriaSet, fmt: str, facts: bool, color: bool, width: int) -> str:
    if fmt == "markdown":
        return facts_markdown(cset) if facts else set_markdown(cset)
    if fmt == "json":
        if facts:
            facts_data = [f.model_dump(mode="json", exclude_none=True) for f in cset.header.facts]
            return json.dumps({"facts": facts_data}, indent=2, ensure_ascii=False) + "\n"
        data = {
            "criteria_set": set_info(cset).model_dump(),
            "set": cset.header.model_dump(mode="json", by_alias=True, exclude_none=True),
            "criteria": [
                c.model_dump(mode="json", by_alias=True, exclude_none=True)
                | ({"origin": cset.origins[c.id]} if c.id in cset.origins else {})
                for c in cset.criteria
            ],
        }
        if len(cset.chain) > 1:
            data["extends"] = list(cset.chain[:-1])
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    table = _facts_table(cset, width) if facts else _criteria_table(cset, width)
    return console_text(RenderOptions(color, width), table)


def _criteria_table(cset: CriteriaSet, width: int) -> RenderableType:
    """One row per criterion: the id never cut, the title the only text that wraps."""
    head = cset.header
    lens = f", lens {cset.lens}" if cset.lens else ""
    title = f"{head.title} — {head.name} {head.version}{lens}, {len(cset.criteria)} criteria"
    columns = [
        Column("criterion", "id"),
        Column("title", "prose", keep=5, ratio=3),
        Column("pillar", "id", keep=4),
        Column("weight", "figure", "right", keep=1),
        Column("share", "figure", "right"),
        Column("rule", "id", keep=2),
        Column("facts", "id", keep=0),
        Column("red flag", "id", keep=3),
    ]
    if cset.origins:
        columns.append(Column("from", "id", keep=0))
    shares = effective_weights(cset)
    rows = [
        [
            crit.id,
            crit.title,
            crit.pillar,
            f"{float(crit.weight):g}",
            fmt_pct(shares[crit.id]),
            crit.rule.type,
            "\n".join(dict.fromkeys(rule_facts(crit.rule))),
            f"{crit.gate.severity} → {crit.gate.cap}" if crit.gate else "",
            *([cset.origins.get(crit.id, "")] if cset.origins else []),
        ]
        for crit in cset.criteria
    ]
    return fit_table(columns, rows, width, title=title)


def _facts_table(cset: CriteriaSet, width: int) -> RenderableType:
    """One row per fact; allowed values one per line so none is ever split."""
    columns = [
        Column("fact", "id"),
        Column("type", "id", keep=1),
        Column("allowed", "id"),
        Column("description", "prose", keep=2),
    ]
    rows = []
    for fact in cset.header.facts:
        origin = cset.fact_origins.get(fact.id)
        if fact.type == "enum":
            allowed = "\n".join(fact.values or [])
        elif fact.type == "number":
            allowed = f"{fact.min:g} … {fact.max:g} {fact.unit or ''}".strip()
        else:
            allowed = "true\nfalse"
        described = " ".join(fact.description.split()) + (f" (from {origin})" if origin else "")
        if fact.absence_value is not None:
            described += f" Searched, nothing found: state {_plain(fact.absence_value)}."
        rows.append([fact.id, fact.type, allowed, described])
    title = f"Fact vocabulary of {cset.header.name} {cset.header.version}"
    return fit_table(columns, rows, width, title=title, show_lines=True)


def _plain(value: str | bool) -> str:
    """A value as a profile writes it: `none_reported`, `false`."""
    return str(value).lower() if isinstance(value, bool) else value
