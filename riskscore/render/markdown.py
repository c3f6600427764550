"""Markdown (GitHub tables via tabulate) for pasting into a pull request or a memo."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

from tabulate import tabulate

from riskscore.engine.scorecard import Report, Scorecard
from riskscore.render import RenderOptions
from riskscore.render.citations import card_evidence, searched_text
from riskscore.render.common import (
    STATUS_MARK,
    band_label,
    cell,
    evidence_text,
    fmt_score,
    governance_text,
    one_decimal,
    points,
    range_text,
    ranked_summary,
    ranking,
    set_label,
    waiver_note,
)
from riskscore.render.escape import md_text, plain


def ranking_table(cards: list[Scorecard]) -> str:
    rows = [
        [
            rank,
            cell(c.project),
            one_decimal(c.score),
            band_label(c),
            ", ".join(f.criterion for f in c.flags) or "none",
            f"{c.coverage:.0f}%",
        ]
        for rank, c in enumerate(ranking(cards), start=1)
    ]
    return tabulate(
        rows,
        headers=["rank", "project", "score", "band", "red flags", "coverage"],
        tablefmt="github",
        disable_numparse=True,
    )


def scorecard_section(card: Scorecard, level: int = 2) -> str:
    h = "#" * level
    lines = [
        f"{h} {cell(card.project)} — {one_decimal(card.score)}/100, {band_label(card)}",
        "",
        f"**{card.band_reason}**",
        "",
        f"*{card.band_meaning}*",
        "",
        f"- Score range: {range_text(card)} with every unknown fact at worst / best",
        f"- Country: {card.country}; facts as of {card.as_of or 'unstated'}",
        f"- Evidence coverage: {evidence_text(card)} of the weight rests on stated facts",
        f"- Criteria: {set_label(card)} (`{card.criteria_set.hash[:19]}`)",
    ]
    gov = governance_text(card)
    if gov:
        lines.append(f"- {gov}")
    if card.stale_facts:
        lines.append(f"- Stale facts: {', '.join(card.stale_facts)}")
    lines += [f"- {note}" for note in card.band_notes]
    lines += ["", f"{h}# Pillars", ""]
    lines.append(
        tabulate(
            [
                [
                    p.title,
                    f"{100 * p.share:.0f}%",
                    fmt_score(p.score),
                    f"{one_decimal(p.points)}/{one_decimal(p.max_points)}",
                ]
                for p in card.pillars
            ],
            headers=["pillar", "share", "score", "points"],
            tablefmt="github",
            disable_numparse=True,
        )
    )
    if card.flags or card.unverified_flags:
        lines += ["", f"{h}# Red flags", ""]
        lines += [
            f"- **{f.severity}** `{f.criterion}`: {f.message} Caps the band at {f.cap}. "
            f"Evidence: {cell(f.evidence)}{cell(waiver_note(f.waiver))}"
            for f in card.flags
        ]
        lines += [
            f"- unverified `{f.criterion}`: {f.message} Not checkable: {cell(f.evidence)}"
            for f in card.unverified_flags
        ]
    lines += ["", f"{h}# Criteria", ""]
    lines.append(
        tabulate(
            [
                [
                    STATUS_MARK[c.status],
                    f"`{c.id}`",
                    points(c),
                    cell(c.explanation + waiver_note(c.waiver)),
                ]
                for c in card.criteria
            ],
            headers=["status", "criterion", "points", "explanation"],
            tablefmt="github",
            disable_numparse=True,
        )
    )
    lines += _evidence_lines(card, h)
    if card.improvements:
        lines += ["", f"{h}# Largest gaps: points a criterion met in full would add", ""]
        lines += [
            f"{i}. **+{one_decimal(imp.gain)}** `{imp.criterion}`: {cell(imp.remediation)}"
            for i, imp in enumerate(card.improvements, start=1)
        ]
    return "\n".join(lines)


def _evidence_lines(card: Scorecard, h: str) -> list[str]:
    """Each stated fact's quoted passages as a block quote under the fact, and the unknown
    facts searched for without a public finding (issue 20); nothing when there are none."""
    quoted, searched = card_evidence(card, md_text)
    lines: list[str] = []
    if quoted:
        lines += ["", f"{h}# Quoted evidence", ""]
        for fact_id, passages in quoted:
            lines.append(f"- `{fact_id}`")
            lines += [f"  > {text}" for text in passages]
    if searched:
        lines += ["", f"{h}# Searched, nothing public found", ""]
        lines += [f"- `{s.fact}` (unknown): {searched_text(s, md_text)}" for s in searched]
    return lines


SPOOL_BYTES = 1 << 20
"""Sections held in memory before they spill to a temporary file while a run streams."""


def render(report: Report, options: RenderOptions) -> str:
    return "".join(stream(report.scorecards, report, options))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time.

    The ranking comes first but needs every score, so each project's section is written to a
    temporary file (in memory up to SPOOL_BYTES) as it arrives and only its ranking fields are
    kept; a single project is shown alone, one heading level up, so the first scorecard is
    held until a second one arrives. No control character reaches a viewer or terminal."""
    summaries: list[Scorecard] = []
    first: Scorecard | None = None
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8") as sections:
        for card in cards:
            summaries.append(ranked_summary(card, summaries[0] if summaries else None))
            if len(summaries) == 1:
                first = card
                continue
            if first is not None:
                sections.write(plain(scorecard_section(first, 2)) + "\n")
                first = None
            sections.write("\n" + plain(scorecard_section(card, 2)) + "\n")
        if first is not None:
            yield plain(scorecard_section(first, 1)) + "\n"
            return
        if not summaries:
            return
        yield plain("# riskscore portfolio\n\n" + ranking_table(summaries) + "\n\n")
        sections.seek(0)
        while chunk := sections.read(1 << 16):
            yield chunk
