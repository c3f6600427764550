"""Compare's outputs: the side-by-side table, markdown and JSON of analysis.compare."""

from __future__ import annotations

from rich.text import Text

from riskscore.analysis.compare import Comparison, ProjectColumn
from riskscore.render import RenderOptions
from riskscore.render.common import STATUS_MARK, cell, console_text, fmt_score
from riskscore.render.formats import md_table, show
from riskscore.render.layout import Column, fit_table


def render(result: Comparison, fmt: str, options: RenderOptions) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    names = [p.project for p in result.projects]
    heads = [
        ["score", *(fmt_score(p.score) for p in result.projects)],
        ["band", *(_band(p) for p in result.projects)],
        ["coverage", *(f"{p.coverage:.0f}%" for p in result.projects)],
        ["red flags", *(str(len(p.flags)) for p in result.projects)],
    ]
    rows = [
        [row.id, *(f"{STATUS_MARK[c.status]} {fmt_score(c.points)}" for c in row.cells)]
        for row in result.criteria
    ]
    facts = [
        [
            fact.id,
            *(
                "\n".join([show(v), *(f"[{key}]" for key in s)])
                for v, s in zip(fact.values, fact.sources, strict=True)
            ),
        ]
        for fact in result.facts
    ]
    if fmt == "markdown":
        named = [", ".join(p.flags) or "none" for p in result.projects]
        md_heads = [*heads[:3], ["red flags", *named]]
        lines = ["# Comparison", "", md_table(_md(md_heads + rows), ["", *map(cell, names)])]
        if not all(p.evidence_sufficient for p in result.projects):
            lines += ["", PROVISIONAL]
        lines += ["", "## Facts that differ", ""]
        lines.append(md_table(_md(facts), ["fact", *map(cell, names)]) if facts else "None.")
        return "\n".join(lines) + "\n"
    # Every cell holds ids, values and figures (no prose): one per line, never folded.
    columns = [Column(""), *(Column(name, "id") for name in names)]
    table = fit_table(
        columns, heads + rows, options.width, title="Comparison (status and points per criterion)"
    )
    fact_columns = [Column("fact"), *(Column(name, "id") for name in names)]
    fact_table = fit_table(
        fact_columns, facts, options.width, title="Facts that differ [sources]", show_lines=True
    )
    flag_lines = [
        Text(f"Red flags of {p.project}: {', '.join(p.flags)}") for p in result.projects if p.flags
    ]
    if not all(p.evidence_sufficient for p in result.projects):
        flag_lines.append(Text(PROVISIONAL, style="yellow"))
    return console_text(options, table, *flag_lines, fact_table if facts else "No fact differs.")


PROVISIONAL = "* provisional band: the evidence is insufficient (each scorecard says why)"


def _band(project: ProjectColumn) -> str:
    return project.band_title + ("" if project.evidence_sufficient else "*")


def _md(rows: list[list[str]]) -> list[list[str]]:
    return [[cell(c) for c in row] for row in rows]
