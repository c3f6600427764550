"""`riskscore criteria`: the set as a summary table, the full markdown reference, or JSON."""

from __future__ import annotations

import json

from rich.table import Table

from riskscore.engine.scorecard import set_info
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import rule_facts
from riskscore.render import RenderOptions
from riskscore.render.common import console_text
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
    table = _facts_table(cset) if facts else _criteria_table(cset)
    return console_text(RenderOptions(color, width), table)


def _criteria_table(cset: CriteriaSet) -> Table:
    head = cset.header
    lens = f", lens {cset.lens}" if cset.lens else ""
    table = Table(
        title=f"{head.title} — {head.name} {head.version}{lens}, {len(cset.criteria)} criteria",
        title_justify="left",
    )
    columns = ["criterion", "pillar", "weight", "share", "rule", "facts", "red flag"]
    if cset.origins:
        columns.append("from")
    for col in columns:
        table.add_column(col, justify="right" if col in ("weight", "share") else "left")
    shares = effective_weights(cset)
    for crit in cset.criteria:
        origin = [cset.origins.get(crit.id, "")] if cset.origins else []
        table.add_row(
            f"{crit.id}\n{crit.title}",
            crit.pillar,
            f"{float(crit.weight):g}",
            f"{100 * shares[crit.id]:.1f}%",
            crit.rule.type,
            "\n".join(dict.fromkeys(rule_facts(crit.rule))),
            f"{crit.gate.severity} → {crit.gate.cap}" if crit.gate else "",
            *origin,
        )
    return table


def _facts_table(cset: CriteriaSet) -> Table:
    table = Table(
        title=f"Fact vocabulary of {cset.header.name} {cset.header.version}", title_justify="left"
    )
    for col in ("fact", "type", "allowed", "description"):
        table.add_column(col)
    for fact in cset.header.facts:
        origin = cset.fact_origins.get(fact.id)
        if fact.type == "enum":
            allowed = ", ".join(fact.values or [])
        elif fact.type == "number":
            allowed = f"{fact.min} … {fact.max} {fact.unit or ''}".strip()
        else:
            allowed = "true, false"
        described = fact.description.strip() + (f" (from {origin})" if origin else "")
        table.add_row(fact.id, fact.type, allowed, described)
    return table
