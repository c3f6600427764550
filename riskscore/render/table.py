"""The terminal report (rich): header, pillar bars, explained criteria, red flags, next steps."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from riskscore.engine.scorecard import Report, Scorecard
from riskscore.render import RenderOptions
from riskscore.render.common import (
    STATUS_MARK,
    band_label,
    bar,
    console_text,
    evidence_text,
    fmt_score,
    governance_text,
    one_decimal,
    points,
    range_text,
    ranking,
    set_label,
    waiver_note,
)

BAND_STYLES = ["bold green", "bold cyan", "bold yellow", "bold dark_orange", "bold red"]
STATUS_STYLES = {
    "met": "green",
    "partial": "yellow",
    "unmet": "red",
    "unknown": "magenta",
    "not_applicable": "dim",
}


def band_style(card: Scorecard) -> str:
    """Colour by the band's position in the set (best first), so any band names work."""
    band_ids = card.criteria_set.bands
    index = band_ids.index(card.band) if card.band in band_ids else len(BAND_STYLES) - 1
    return BAND_STYLES[min(index, len(BAND_STYLES) - 1)]


def render(report: Report, options: RenderOptions) -> str:
    if len(report.scorecards) == 1:
        return console_text(options, scorecard_view(report.scorecards[0]))
    return console_text(options, ranking_view(report))


def ranking_view(report: Report) -> Table:
    table = Table(
        title=f"Portfolio ranking — {len(report.scorecards)} projects "
        f"({set_label(report.scorecards[0])})",
        title_justify="left",
    )
    for col, justify in (
        ("rank", "right"),
        ("project", "left"),
        ("score", "right"),
        ("band", "left"),
        ("red flags", "left"),
        ("coverage", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for rank, card in enumerate(ranking(report.scorecards), start=1):
        flags = ", ".join(f.criterion for f in card.flags) or "none"
        table.add_row(
            str(rank),
            card.project,
            one_decimal(card.score),
            Text(band_label(card), style=band_style(card)),
            flags,
            f"{card.coverage:.0f}%",
        )
    return table


def scorecard_view(card: Scorecard) -> Group:
    header = Text()
    header.append(f"{card.project}", style="bold")
    header.append(f"  ({card.country})\n")
    header.append("Score ")
    header.append(f"{one_decimal(card.score)}/100", style="bold")
    header.append("   Band ")
    header.append(band_label(card), style=band_style(card))
    header.append(f"   Evidence coverage {evidence_text(card)}\n")
    header.append(f"{card.band_reason}\n", style="bold" if card.evidence_sufficient else "yellow")
    header.append(f"Range {range_text(card)}")
    gov = governance_text(card)
    header.append(f"   {gov}\n" if gov else "\n")
    header.append(f"{card.band_meaning}\n", style="italic")
    for note in card.band_notes:
        header.append(f"• {note}\n", style="yellow")
    header.append(
        f"Criteria {set_label(card)}  ·  facts as of {card.as_of or 'unstated'}", style="dim"
    )
    parts: list = [Panel(header, title="riskscore", title_align="left")]

    pillars = Table(title="Pillars", title_justify="left", expand=False)
    for col, justify in (
        ("pillar", "left"),
        ("share", "right"),
        ("score", "right"),
        ("", "left"),
        ("points", "right"),
    ):
        pillars.add_column(col, justify=justify)  # type: ignore[arg-type]
    for p in card.pillars:
        pillars.add_row(
            p.title,
            f"{100 * p.share:.0f}%",
            fmt_score(p.score),
            bar(p.score),
            f"{one_decimal(p.points)}/{one_decimal(p.max_points)}",
        )
    parts.append(pillars)

    crits = Table(
        title=Text("Criteria (points earned / possible; explanation: fact = value [source])"),
        title_justify="left",
        show_lines=False,
        expand=True,
    )
    crits.add_column("status", no_wrap=True)
    crits.add_column("criterion", ratio=2, overflow="fold")
    crits.add_column("points", justify="right", no_wrap=True)
    crits.add_column("explanation", ratio=5)
    for c in card.criteria:
        name = Text(c.id)
        name.append(f"\n{c.pillar}", style="dim")
        crits.add_row(
            Text(STATUS_MARK[c.status], style=STATUS_STYLES[c.status]),
            name,
            points(c),
            Text(c.explanation + waiver_note(c.waiver)),
        )
    parts.append(crits)

    if card.flags or card.unverified_flags:
        lines = Text()
        for f in card.flags:
            lines.append(f"⚑ {f.severity.upper()} {f.criterion}: ", style="bold red")
            lines.append(f"{f.message} Caps the band at {f.cap}. Evidence: {f.evidence}")
            lines.append(f"{waiver_note(f.waiver)}\n", style="bold yellow")
        for f in card.unverified_flags:
            lines.append(f"? unverified {f.criterion}: ", style="magenta")
            lines.append(f"{f.message} Could not be checked: {f.evidence}\n")
        parts.append(Panel(lines, title="Red flags", title_align="left", border_style="red"))
    if card.improvements:
        steps = Text()
        for i, imp in enumerate(card.improvements, start=1):
            steps.append(f"{i}. +{one_decimal(imp.gain)} pts  {imp.criterion}: ", style="bold")
            steps.append(f"{imp.remediation}\n")
        parts.append(Panel(steps, title="What would raise the score most", title_align="left"))
    return Group(*parts)
