"""`riskscore criteria --effective`: nominal beside effective shares (table, markdown, JSON)."""

from __future__ import annotations

import json

from rich.text import Text

from riskscore.analysis.effective_weights import EffectiveWeights
from riskscore.render import RenderOptions
from riskscore.render.common import console_text
from riskscore.render.escape import md_cell, terminal
from riskscore.render.layout import Column, fit_table

READING = (
    "Nominal share: what the weight promises when every criterion applies. Effective share: "
    "how much of the variation of the overall score across these profiles goes with the "
    "criterion (its squared correlation with the score, normalised to sum to 100%). A "
    "criterion far below its nominal share scores alike on these profiles (or applies to few "
    "of them); one far above it separates them. It describes this sample, not the method."
)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _r(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def _sample(result: EffectiveWeights) -> str:
    return (
        f"{result.criteria_set}, measured on {len(result.profiles)} profiles "
        f"({', '.join(result.profiles)}); standard deviation of their scores "
        f"{result.score_sd:.2f} points"
    )


def render(result: EffectiveWeights, fmt: str, options: RenderOptions) -> str:
    """`result` as `table` (terminal), `markdown` (a pipe table with the sample and how to
    read it) or `json` (the model, shares 0-1)."""
    if fmt == "json":
        return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        lines = [
            f"Sample: {md_cell(_sample(result))}.",
            "",
            READING,
            "",
            "| criterion | pillar | weight | nominal share | effective share | r | n | note |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        lines += [
            f"| {c.id} | {c.pillar} | {c.weight:g} | {_pct(c.nominal_share)} | "
            f"{_pct(c.effective_share)} | {_r(c.r)} | {c.n} | {md_cell(c.note or '')} |"
            for c in result.criteria
        ]
        return "\n".join(lines) + "\n"
    columns = [
        Column("criterion", "id"),
        Column("pillar", "id", keep=3),
        Column("weight", "figure", "right", keep=2),
        Column("nominal", "figure", "right"),
        Column("effective", "figure", "right"),
        Column("r", "figure", "right", keep=4),
        Column("n", "figure", "right", keep=1),
        Column("note", "prose", keep=0),
    ]
    rows = [
        [
            c.id,
            c.pillar,
            f"{c.weight:g}",
            _pct(c.nominal_share),
            _pct(c.effective_share),
            _r(c.r),
            str(c.n),
            c.note or "",
        ]
        for c in result.criteria
    ]
    title = Text(f"Nominal and effective shares — {terminal(_sample(result))}")
    table = fit_table(columns, rows, options.width, title=title)
    return console_text(options, table) + READING + "\n"
