"""The terminal report (rich): a header, pillars, red flags, the band's reason, next steps, then
the criteria that cost the most points (all of them with `--full`).

Layout rules (issue 15): ids and figures are never cut or split (`render.layout.fit_table`); only
prose wraps; the arithmetic of each criterion appears only with `--verbose`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from riskscore.engine.scorecard import CriterionResult, Report, Scorecard
from riskscore.render import RenderOptions
from riskscore.render.citations import fact_evidence
from riskscore.render.common import (
    STATUS_MARK,
    band_label,
    bar,
    console_text,
    evidence_text,
    explanation,
    fmt_pct,
    fmt_score,
    governance_text,
    points,
    range_text,
    ranked_summary,
    ranks,
    score_span,
    set_label,
    waiver_note,
)
from riskscore.render.layout import Column, fit_table, prose_fits

BAND_STYLES = ["bold green", "bold cyan", "bold yellow", "bold dark_orange", "bold red"]
STATUS_STYLES = {
    "met": "green",
    "partial": "yellow",
    "unmet": "red",
    "unknown": "magenta",
    "not_applicable": "dim",
}
COSTLIEST = 3
"""Criteria the default view lists: those that lose the most points."""


def band_style(card: Scorecard) -> str:
    """Colour by the band's position in the set (best first), so any band names work."""
    band_ids = card.criteria_set.bands
    index = band_ids.index(card.band) if card.band in band_ids else len(BAND_STYLES) - 1
    return BAND_STYLES[min(index, len(BAND_STYLES) - 1)]


def render(report: Report, options: RenderOptions) -> str:
    """One scorecard in detail, or a ranking of several; plain text when colour is off."""
    return "".join(stream(report.scorecards, report, options))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time: the first is kept in full
    (shown alone if no other comes), every one after it only by its ranking fields."""
    first: Scorecard | None = None
    summaries: list[Scorecard] = []
    for card in cards:
        if not summaries:
            first = card
        summaries.append(ranked_summary(card, summaries[0] if summaries else None))
    if first is not None and len(summaries) == 1:
        yield console_text(options, scorecard_view(first, options))
        return
    view = ranking_view(summaries, options.width)
    parts = list(view.renderables) if isinstance(view, Group) else [view]
    for part in parts:
        if isinstance(part, Table):
            yield from _in_batches(part, options)
        else:
            yield console_text(options, part)


BATCH_ROWS = 256
"""Rows of the ranking laid out at a time: rich's layout of a table costs several KB per row
until it is printed, so a long ranking is printed in slices of the one table."""


def _in_batches(table: Table, options: RenderOptions) -> Iterator[str]:
    """`table` printed as console_text prints it whole, BATCH_ROWS rows at a time.

    Each slice is a copy of the table (same columns and fixed widths) holding some of its
    rows; the border between two slices (the bottom of one, the top of the next) is dropped,
    so the lines are those of the whole table."""
    count = table.row_count
    if count <= BATCH_ROWS:
        yield console_text(options, table)
        return
    for start in range(0, count, BATCH_ROWS):
        part = Table(
            title=table.title if start == 0 else None,
            title_justify=table.title_justify,
            show_lines=table.show_lines,
            show_header=start == 0,
        )
        for column in table.columns:
            part.add_column(
                column.header,
                justify=column.justify,
                width=column.width,
                no_wrap=column.no_wrap,
                overflow=column.overflow,
            )
        for row in range(start, min(count, start + BATCH_ROWS)):
            part.add_row(*(column._cells[row] for column in table.columns))
        lines = console_text(options, part).splitlines(keepends=True)
        if start:
            lines = lines[1:]  # the slice's top border
        if start + BATCH_ROWS < count:
            lines = lines[:-1]  # its bottom border
        yield "".join(lines)


def ranking_view(cards: list[Scorecard], width: int) -> RenderableType:
    """Rank (shared on ties), project, score, band, red flags, coverage and path."""
    columns = [
        Column("rank", "figure", "right"),
        Column("project", "prose", ratio=2),  # a name, not an id: it may wrap
        Column("score", "figure", "right"),
        Column("band", "id"),
        Column("range", "figure", "right", keep=1),
        Column("red flags", "id"),  # one id a line; never dropped: the ranking's reason to exist
        Column("coverage", "figure", "right", keep=2),
        Column("path", "id", keep=1),
    ]
    rows: list[list[str | Text]] = [
        [
            str(rank),
            card.project,
            fmt_score(card.score),
            Text(
                card.band_title + ("" if card.evidence_sufficient else "*"), style=band_style(card)
            ),
            score_span(card),
            "\n".join(f.criterion for f in card.flags) or "none",
            f"{card.coverage:.0f}%",
            card.path,
        ]
        for rank, card in ranks(cards)
    ]
    title = f"Portfolio ranking — {len(cards)} projects ({set_label(cards[0])})"
    table = fit_table(columns, rows, width, title=title)
    if all(card.evidence_sufficient for card in cards):
        return table
    note = Text(
        "* provisional band: the evidence is insufficient (ranked after the others; "
        "each scorecard says why)",
        style="yellow",
    )
    return Group(table, note)


def header_rows(card: Scorecard) -> list[Text]:
    """The header's lines, built from the scorecard: more headline fields slot in as lines."""
    name = Text(card.project, style="bold")
    name.append(f"  ({card.country})", style="")
    score = Text("Score ")
    score.append(f"{fmt_score(card.score)}/100", style="bold")
    score.append("   Band ")
    score.append(band_label(card), style=band_style(card))
    score.append(f"   Evidence coverage {evidence_text(card)}")
    reason = Text(card.band_reason, style="bold" if card.evidence_sufficient else "yellow")
    spread = Text(f"Range {range_text(card)}")
    gov = governance_text(card)
    if gov:
        spread.append(f"   {gov}")
    where = Text(
        f"Criteria {set_label(card)}  ·  facts as of {card.as_of or 'unstated'}  ·  {card.path}",
        style="dim",
    )
    return [name, score, reason, spread, where]


def scorecard_view(card: Scorecard, options: RenderOptions | None = None) -> Group:
    """Header, pillars, red flags, band reason, improvements, then the costliest criteria."""
    options = options or RenderOptions()
    parts: list[RenderableType] = [
        Panel(Text("\n").join(header_rows(card)), title="riskscore", title_align="left")
    ]
    parts.append(_pillars(card, options.width))
    if card.flags or card.unverified_flags:
        parts.append(_flags(card, options.full))
    reason = Text(f"Why {band_label(card)}: ", style="bold")
    reason.append(card.band_meaning)
    for note in card.band_notes:
        reason.append(f"\n• {note}", style="yellow")
    parts.append(reason)
    if card.improvements:
        parts.append(_improvements(card, options))
    parts.extend(_criteria(card, options))
    return Group(*parts)


def _improvements(card: Scorecard, options: RenderOptions) -> RenderableType:
    """The fixes worth most points: the remediation in full with --full, else the criterion's
    title (`riskscore explain ID` prints its remediation)."""
    columns = [
        Column("gain", "figure", "right"),
        Column("criterion", "id"),
        Column("remediation" if options.full else "what to fix", "prose"),
    ]
    rows = [
        [f"+{fmt_score(imp.gain)}", imp.criterion, imp.remediation if options.full else imp.title]
        for imp in card.improvements
    ]
    title = "Largest gaps: points a criterion met in full would add"
    return fit_table(columns, rows, options.width, title=title)


def _pillars(card: Scorecard, width: int) -> RenderableType:
    columns = [
        Column("pillar", "id"),
        Column("share", "figure", "right", keep=1),
        Column("score", "figure", "right"),
        Column("", "figure", keep=2),
        Column("points", "figure", "right"),
    ]
    rows = [
        [
            p.title,
            fmt_pct(p.share),
            fmt_score(p.score),
            bar(p.score),
            f"{p.points:.1f}/{p.max_points:.1f}",
        ]
        for p in card.pillars
    ]
    return fit_table(columns, rows, width, title="Pillars")


def _of(earned: float, possible: float) -> str:
    return f"{fmt_score(earned)}/{fmt_score(possible)}"


def _flags(card: Scorecard, full: bool = False) -> Panel:
    """Tripped red flags in full; unverified ones in one line (each with its message and the
    facts that could not be checked with --full)."""
    lines = Text()
    for f in card.flags:
        lines.append(f"⚑ {f.severity} {f.criterion}: ", style="bold red")
        lines.append(f"{f.message} Caps the band at {f.cap}. Evidence: {f.evidence}")
        lines.append(f"{waiver_note(f.waiver)}\n", style="bold yellow")
    unverified = card.unverified_flags
    if len(unverified) > 1 and not full:  # one line for them all; --full gives each its own
        lines.append("? unverified: ", style="magenta")
        caps = (f"{f.criterion} → {f.cap}" for f in unverified)
        lines.append(", ".join(caps) + "\n")
        unverified = []
    for f in unverified:
        lines.append(f"? unverified {f.criterion} (would cap at {f.cap}): ", style="magenta")
        lines.append(f"{f.message} " if full else "")
        lines.append(f"Could not be checked: {f.evidence}\n")
    lines.rstrip()
    return Panel(lines, title="Red flags", title_align="left", border_style="red")


def _lost(crit: CriterionResult) -> float:
    return crit.max_points - crit.points if crit.score is not None else crit.max_points


def _criteria(card: Scorecard, options: RenderOptions) -> list[RenderableType]:
    shown = card.criteria
    note = None
    if not options.full:
        costly = [c for c in card.criteria if c.status != "not_applicable" and _lost(c) > 0]
        costly.sort(key=lambda c: -_lost(c))  # stable: set order among equal losses
        shown = costly[:COSTLIEST]
        # A waiver is an accepted gap the reader must see, whatever it costs.
        shown += [c for c in card.criteria if c.waiver is not None and c not in shown]
        rest = len(card.criteria) - len(shown)
        if rest:
            note = Text(
                f"{rest} more criteria not shown; --full lists all {len(card.criteria)}.",
                style="dim",
            )
    title = (
        "Criteria (points earned/possible; explanation: fact = value [source])"
        if options.full
        else "Criteria that cost the most points (earned/possible)"
    )
    columns = [
        Column("status", "figure", keep=2),
        Column("criterion", "id"),
        Column("pillar", "id", keep=1),
        Column("points", "figure", "right"),
        Column("explanation", "prose", keep=3),
    ]
    rows: list[list[str | Text]] = [
        [
            Text(STATUS_MARK[c.status], style=STATUS_STYLES[c.status]),
            c.id,
            Text(c.pillar, style="dim"),
            points(c),
            _explained(c, card, options),
        ]
        for c in shown
    ]
    parts: list[RenderableType] = []
    if prose_fits(columns, rows, options.width):
        parts.append(fit_table(columns, rows, options.width, title=title))
    else:  # narrow: each criterion a line of ids and figures, its explanation indented below
        parts.append(Text(title, style="italic"))
        for c, row in zip(shown, rows, strict=True):
            line = Text.assemble(row[0], "  ", (c.id, "bold"), f"  {row[3]} points  ", row[2])
            parts.append(line)
            parts.append(Padding(row[4], (0, 0, 0, 2)))
    if note is not None:
        parts.append(note)
    return parts


def _explained(crit: CriterionResult, card: Scorecard, options: RenderOptions) -> Text:
    """The explanation; with --verbose, each fact's quoted passages (and each unknown fact's
    search that found nothing) on lines of their own below it."""
    text = Text(explanation(crit, options.verbose) + waiver_note(crit.waiver))
    if options.verbose:
        for fact_id, line in fact_evidence(crit, card):
            text.append(f"\n  {fact_id}: {line}", style="dim")
    return text
