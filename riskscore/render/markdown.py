"""Markdown (GitHub tables via tabulate) for pasting into a pull request or a memo.

Every text from a profile (and from a criteria set) goes through `escape.md_line`/`md_cell`,
so it shows as written and is inert: no HTML, image, link, @mention or table break.

The output is meant for `$GITHUB_STEP_SUMMARY`, which GitHub drops whole above 1 MiB. A
portfolio whose markdown would pass MAX_BYTES keeps the ranking (every project) and, in
input order, as many whole project sections as fit, then ends with a line saying how many
were left out (`notes` gets the same line for stderr).
"""

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
    baseline_line,
    cell,
    evidence_text,
    fmt_score,
    governance_text,
    one_decimal,
    points,
    range_text,
    ranked_summary,
    ranking_groups,
    ranks,
    set_label,
    waiver_note,
)
from riskscore.render.escape import md_line, md_text, plain


def ranking_table(cards: list[Scorecard]) -> str:
    """Rank, project, score, band, red flags and coverage; with a baseline (`evaluate
    --baseline`), the findings new against it."""
    based = any(c.baseline is not None for c in cards)
    rows = [
        [
            rank,
            cell(c.project),
            one_decimal(c.score),
            cell(band_label(c)),
            ", ".join(f.criterion for f in c.flags) or "none",
            *([", ".join(c.baseline.new if c.baseline else []) or "none"] if based else []),
            f"{c.coverage:.0f}%",
        ]
        for rank, c in ranks(cards)
    ]
    headers = ["rank", "project", "score", "band", "red flags", "coverage"]
    if based:
        headers.insert(5, "new findings")
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def rankings(cards: list[Scorecard], options: RenderOptions) -> str:
    """The portfolio's ranking, or with `--group-by` one ranking per group, each under a
    `##` heading; the `--where` filter is named under the title. It ends with one line break:
    each project section (and the closing line of a cut summary) starts with the blank line
    that separates it."""
    text = "# riskscore portfolio\n\n"
    if options.where:
        text += f"Projects where {options.where}.\n\n"
    if options.group_by is None:
        return text + ranking_table(cards) + "\n"
    blocks = [
        f"## {cell(str(label))} — {len(members)} project{'s' if len(members) != 1 else ''}"
        f"\n\n{ranking_table(members)}\n"
        for label, members in ranking_groups(cards, options.group_by)
    ]
    return text + "\n".join(blocks)


def scorecard_section(card: Scorecard, level: int = 2) -> str:
    h = "#" * level
    lines = [
        f"{h} {cell(card.project)} — {one_decimal(card.score)}/100, {md_line(band_label(card))}",
        "",
        f"**{md_line(card.band_reason)}**",
        "",
        f"*{md_line(card.band_meaning)}*",
        "",
        f"- Score range: {md_line(range_text(card))} with every unknown fact at worst / best",
        f"- Country: {md_line(card.country)}; facts as of {md_line(card.as_of or 'unstated')}",
        f"- Evidence coverage: {evidence_text(card)} of the weight rests on stated facts",
        f"- Criteria: {md_line(set_label(card))} (`{card.criteria_set.hash[:19]}`)",
    ]
    gov = governance_text(card)
    if gov:
        lines.append(f"- {gov}")
    if card.stale_facts:
        lines.append(f"- Stale facts: {md_line(', '.join(card.stale_facts))}")
    if card.imputed_facts:
        lines.append(f"- Unknown, scored 0: {md_line(', '.join(card.imputed_facts))}")
    lines += [f"- {md_line(note)}" for note in card.band_notes]
    if card.baseline is not None:
        lines.append(f"- {md_line(baseline_line(card.baseline))}")
    lines += ["", f"{h}# Pillars", ""]
    lines.append(
        tabulate(
            [
                [
                    cell(p.title),
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
            f"- **{f.severity}** `{f.criterion}`: {md_line(f.message)} Caps the band at {f.cap}. "
            f"Evidence: {cell(f.evidence)}{cell(waiver_note(f.waiver))}"
            for f in card.flags
        ]
        lines += [
            f"- unverified `{f.criterion}`: {md_line(f.message)} Not checkable: {cell(f.evidence)}"
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
        lines += [
            "",
            f"{h}# First steps: what holds the band, then the largest gains "
            "(points if met in full)",
            "",
        ]
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

MAX_BYTES = 1_000_000
"""Largest markdown written (UTF-8 bytes): under the 1 MiB (1,048,576 bytes) GitHub accepts
for a step's job summary ("Adding a job summary": larger summaries are not shown), with room
left for other lines the step appends."""


def render(report: Report, options: RenderOptions) -> str:
    return "".join(stream(report.scorecards, report, options))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time.

    The ranking comes first but needs every score, so each project's section is written to a
    temporary file (in memory up to SPOOL_BYTES) as it arrives and only its ranking fields are
    kept, with the section's length; a single project is shown alone, one heading level up, so
    the first scorecard is held until a second one arrives. Sections that would take the
    output past MAX_BYTES are left out whole, and a closing line says how many. No control
    character reaches a viewer or terminal."""
    summaries: list[Scorecard] = []
    sizes: list[tuple[int, int]] = []  # (characters, UTF-8 bytes) of each spooled section
    first: Scorecard | None = None
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8") as sections:

        def spool(text: str) -> None:
            sections.write(text)
            sizes.append((len(text), len(text.encode("utf-8"))))

        for card in cards:
            summaries.append(ranked_summary(card, summaries[0] if summaries else None))
            if len(summaries) == 1:
                first = card
                continue
            if first is not None:
                spool("\n" + plain(scorecard_section(first, 2)) + "\n")
                first = None
            spool("\n" + plain(scorecard_section(card, 2)) + "\n")
        if first is not None:
            yield plain(scorecard_section(first, 1)) + "\n"
            return
        if not summaries:
            if options.where:
                yield plain(
                    f"# riskscore portfolio\n\nNo project matches --where {options.where}.\n"
                )
            return
        head = plain(rankings(summaries, options))
        yield head
        budget = MAX_BYTES - len(head.encode("utf-8")) - len(_left_out(len(sizes), len(sizes)))
        sections.seek(0)
        for shown, (chars, size) in enumerate(sizes):
            if size > budget:
                line = _left_out(len(sizes) - shown, len(sizes))
                if options.notes is not None:
                    options.notes.append(line.strip().strip("_"))
                yield line
                return
            budget -= size
            yield sections.read(chars)


def _left_out(missing: int, total: int) -> str:
    """The closing line of a cut summary: how many project sections are missing."""
    return (
        f"\n_{missing} of {total} project sections left out to keep this markdown under "
        f"{MAX_BYTES:,} bytes (GitHub shows no job summary over 1 MiB); the ranking above has "
        "every project, and `--format json` or `--format sarif` every finding._\n"
    )
