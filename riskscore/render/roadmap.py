"""The roadmap's outputs: a table with a "How" panel, markdown, or JSON (analysis.roadmap).

Each remediation text is printed once, at the first step of its criterion; a later step of the
same criterion refers back to it. The constraints that hold the band are named in the flag's
own words (the gate's message), never by the criterion's title (issue 21)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.panel import Panel
from rich.text import Text

from riskscore.analysis.roadmap import Roadmap, RoadmapStep
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
    held = [
        f"Held at {name(c.cap)} by "
        + (
            f"red flag ({c.severity}) {c.criterion}"
            if c.kind == "gate"
            else f"critical floor {c.criterion}"
        )
        + f": {c.text}"
        for c in result.binding
    ]
    hows = _hows(result.steps)
    rows = [
        [
            str(i),
            _change(s),
            f"{s.criterion} ({s.kind})",
            f"+{fmt_score(s.gain)}",
            fmt_score(s.score_after),
            name(s.band_after),
            ", ".join(s.flags_cleared) or "–",
            how,
        ]
        for i, (s, how) in enumerate(zip(result.steps, hows, strict=True), start=1)
    ]
    headers = ["step", "change", "criterion", "gain", "score", "band", "flags cleared", "how"]
    if fmt == "markdown":
        body = md_table([[cell(c) for c in r] for r in rows], headers) if rows else ""
        notes = "".join(f"- {cell(line)}\n" for line in held)
        return f"# {cell(head)}\n\n{notes + chr(10) if notes else ''}{body}\n"
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
    for i, (step, text) in enumerate(zip(result.steps, hows, strict=True), start=1):
        if i > 1:
            how.append("\n")
        how.append(f"{i}. {step.criterion}: ", style="bold")
        how.append(text)
    panel = [Panel(how, title="How", title_align="left")] if rows else []
    return console_text(options, *(Text(line, style="yellow") for line in held), table, *panel)


def _change(step: RoadmapStep) -> str:
    if step.kind == "remediate":
        return f"{step.fact}:\n{show(step.old)} (remediate)"
    return f"{step.fact}:\n{show(step.old)} → {show(step.new)}"


def _hows(steps: list[RoadmapStep]) -> list[str]:
    """Per step: why the band moved or stayed, then the remediation the first time its text
    appears, or a reference to the step that printed it."""
    first: dict[str, int] = {}
    out: list[str] = []
    for i, step in enumerate(steps, start=1):
        seen = first.setdefault(step.remediation, i)
        tail = step.remediation if seen == i else f"(what it takes: see step {seen})"
        out.append(f"{step.why}. {tail}")
    return out
