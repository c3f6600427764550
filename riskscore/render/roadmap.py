"""The roadmap's outputs: a table with a "How" panel, markdown, or JSON (analysis.roadmap)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.panel import Panel
from rich.text import Text

from riskscore.analysis.roadmap import Roadmap
from riskscore.render import RenderOptions
from riskscore.render.common import cell, console_text, fmt_score
from riskscore.render.formats import md_table, show
from riskscore.render.layout import Column, fit_table


def render(
    result: Roadmap, fmt: str, options: RenderOptions, titles: Mapping[str, str] | None = None
) -> str:
    """The roadmap as JSON (band ids), or a table / markdown naming bands by `titles`
    (band id -> title, from the criteria set; ids when not given)."""
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    name = (lambda band: band) if titles is None else (lambda band: titles.get(band, band))
    head = (
        f"Roadmap — {result.project}: starts at {fmt_score(result.start_score)} "
        f"({name(result.start_band)}); "
        + (
            f"{len(result.steps)} step(s) reach {fmt_score(result.steps[-1].score_after)} "
            f"({name(result.steps[-1].band_after)})"
            if result.steps
            else "no single-fact change raises the score"
        )
    )
    rows = [
        [
            str(i),
            f"{s.fact}:\n{show(s.old)} → {show(s.new)}",
            f"{s.criterion} ({s.kind})",
            f"+{fmt_score(s.gain)}",
            fmt_score(s.score_after),
            name(s.band_after),
            ", ".join(s.flags_cleared) or "–",
            f"{s.why}. {s.remediation}",
        ]
        for i, s in enumerate(result.steps, start=1)
    ]
    headers = ["step", "change", "criterion", "gain", "score", "band", "flags cleared", "how"]
    if fmt == "markdown":
        body = md_table([[cell(c) for c in r] for r in rows], headers) if rows else ""
        return f"# {cell(head)}\n\n{body}\n"
    columns = [
        Column("step", "figure", "right"),
        Column("change", "id"),
        Column("criterion", "id", keep=2),
        Column("gain", "figure", "right"),
        Column("score", "figure", "right", keep=3),
        Column("band", "id", keep=4),
        Column("flags cleared", "prose", keep=1),
    ]
    table = fit_table(columns, [row[:-1] for row in rows], options.width, title=Text(head))
    how = Text()
    for i, step in enumerate(result.steps, start=1):
        if i > 1:
            how.append("\n")
        how.append(f"{i}. {step.criterion}: ", style="bold")
        how.append(f"{step.why}. ", style="italic")
        how.append(step.remediation)
    return console_text(
        options, table, *([Panel(how, title="How", title_align="left")] if rows else [])
    )
