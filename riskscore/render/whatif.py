"""What-if's outputs: before/after table, markdown, or JSON (analysis.whatif)."""

from __future__ import annotations

from rich.text import Text

from riskscore.analysis.whatif import Side, WhatIf
from riskscore.render import RenderOptions
from riskscore.render.common import cell, console_text, fmt_score
from riskscore.render.formats import md_table, show, signed
from riskscore.render.layout import Column, fit_table


def render(result: WhatIf, fmt: str, options: RenderOptions) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    changes = ", ".join(f"{c.fact}: {show(c.old)} → {show(c.new)}" for c in result.changes)
    heads = [
        [
            "score",
            fmt_score(result.before.score),
            fmt_score(result.after.score),
            signed(result.delta),
        ],
        ["band", result.before.band_title, result.after.band_title, ""],
        ["red flags", _flags(result.before), _flags(result.after), ""],
        ["coverage", f"{result.before.coverage:.0f}%", f"{result.after.coverage:.0f}%", ""],
    ]
    rows = [
        [
            c.id,
            f"{c.status_before} {fmt_score(c.points_before)}",
            f"{c.status_after} {fmt_score(c.points_after)}",
            signed(c.delta),
        ]
        for c in result.criteria
    ]
    headers = ["", "before", "after", "change"]
    why = [f"Band after: {note}" for note in result.after.band_notes]
    why += [f"After: {note}" for note in result.after.flag_notes]
    if fmt == "markdown":
        lines = [f"# What if — {cell(result.project)}", "", f"Changed: {cell(changes)}", ""]
        lines += [md_table(heads, headers), "", "## Criteria that moved", ""]
        lines.append(md_table(rows, ["criterion", *headers[1:]]) if rows else "None.")
        lines += ["", *(f"- {cell(w)}" for w in why)] if why else []
        return "\n".join(lines) + "\n"
    columns = [
        Column(""),
        Column("before", "id", "right"),
        Column("after", "id", "right"),
        Column("change", "figure", "right"),
    ]
    table = fit_table(columns, heads + rows, options.width)
    head = Text(f"What if — {result.project}\n", style="bold")
    head.append(f"Changed: {changes}", style="")
    return console_text(options, head, table, *(Text(w, style="yellow") for w in why))


def _flags(side_: Side) -> str:
    return ", ".join(side_.flags) or "none"
