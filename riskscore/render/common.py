"""Small helpers shared by the text renderers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from riskscore.analysis.portfolio import ranking as ranking
from riskscore.analysis.portfolio import ranks as ranks
from riskscore.engine.scorecard import (
    BaselineInfo,
    CriterionResult,
    Flag,
    Scorecard,
    WaiverInfo,
)
from riskscore.render import RenderOptions
from riskscore.render.escape import md_cell, terminal

STATUS_MARK = {
    "met": "✔ met",
    "partial": "◐ partial",
    "unmet": "✘ unmet",
    "unknown": "? unknown",
    "not_applicable": "– n/a",
}


class _SafeConsole(Console):
    """A console whose text segments carry no control characters (riskscore.render.escape).

    rich's own styles are added after this point, so colour still works; a profile's text
    can no longer smuggle an escape sequence to the terminal.
    """

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None:
                yield Segment(terminal(segment.text), segment.style)
            else:
                yield segment


def console_text(options: RenderOptions, *renderables: Any, markup: bool = True) -> str:
    """Print rich renderables into a string at the width and colour the CLI chose."""
    out = io.StringIO()
    console = _SafeConsole(
        file=out,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        markup=markup,
    )
    for item in renderables:
        console.print(item)
    return out.getvalue()


def cell(text: str) -> str:
    """Text that cannot break a GitHub markdown table (riskscore.render.escape.md_cell)."""
    return md_cell(text)


SCORE_DIGITS = 2
"""Decimals every output prints for scores (0-100), points and their changes: the criteria
set's `rounding.score_digits`, the precision the engine rounds them to (criteria/base/set.yaml),
so a figure reads the same in the table, markdown, HTML, JSON and the explanation lines."""


def printed(value: float, digits: int = SCORE_DIGITS) -> str:
    """A score or points as printed: `digits` decimals, rounded half-up like the engine
    (52.255 -> 52.26; a scorecard's figures already have that precision)."""
    scale = 10**digits
    n = Fraction(str(value)) * scale
    k = int(abs(n)) + (1 if abs(n) - int(abs(n)) >= Fraction(1, 2) else 0)
    whole, frac = divmod(k, scale)
    sign = "-" if value < 0 and k else ""
    return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"


one_decimal = printed
"""Former name of printed(), kept for callers; it prints the set's two decimals, not one."""


def fmt_score(value: float | None) -> str:
    """The one rounding rule for scores (0-100) and points: printed() (the set's two
    decimals, half-up); `n/a` for none."""
    return "n/a" if value is None else printed(value)


def band_label(card: Scorecard) -> str:
    """The band's title, marked provisional when the evidence is insufficient."""
    return card.band_title if card.evidence_sufficient else f"{card.band_title} (provisional)"


def score_span(card: Scorecard) -> str:
    """'51.48-61.20' with an en dash: the score with every unknown fact at worst / best."""
    lo, hi = card.score_range
    return f"{printed(lo)}–{printed(hi)}"


def range_text(card: Scorecard) -> str:
    """'51.48-61.20 (Weak-Weak)' with en dashes: `score_span` and the bands of both ends."""
    titles = _band_titles(card)
    blo, bhi = (titles.get(b, b) for b in card.band_range)
    return f"{score_span(card)} ({blo}–{bhi})"


def _band_titles(card: Scorecard) -> dict[str, str]:
    info = card.criteria_set
    return dict(zip(info.bands, info.band_titles, strict=False))


def evidence_text(card: Scorecard) -> str:
    """Coverage with its split: '90% (49% sourced, 41% assumption)'."""
    return (
        f"{card.coverage:.0f}% ({card.coverage_sourced:.0f}% sourced, "
        f"{card.coverage_assumed:.0f}% assumption)"
    )


def governance_text(card: Scorecard) -> str:
    """'Governance 57.90 · context hostile (23.10)', or '' when neither is known."""
    parts = []
    if card.governance_score is not None:
        parts.append(f"Governance score {printed(card.governance_score)}")
    if card.context_rating_range is not None:  # unknown context facts could change it
        parts.append(f"context {card.context_rating}")
    elif card.context_rating is not None and card.context_score is not None:
        parts.append(f"context {card.context_rating} ({printed(card.context_score)})")
    return " · ".join(parts)


def fmt_signed(value: float) -> str:
    """A change in score or points with its sign, as printed (two decimals): `+1.25`,
    `-0.40`, `+0.00`."""
    text = printed(value)
    return text if text.startswith("-") else f"+{text}"


def fmt_pct(share: float) -> str:
    """A 0-1 share (weight share, coverage fraction, probability) as a whole percent."""
    return f"{100 * share:.0f}%"


def bar(score: float | None, width: int = 20) -> str:
    """A text bar for a 0-100 score."""
    if score is None:
        return "·" * width
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def points(crit: CriterionResult) -> str:
    if crit.status == "not_applicable" or crit.score is None:
        return "–"
    return f"{fmt_score(crit.points)}/{fmt_score(crit.max_points)}"


ARITHMETIC = re.compile(r": score \S+ × \S+ = \S+ points\.$")


def explanation(crit: CriterionResult, verbose: bool) -> str:
    """The criterion's explanation, with its closing arithmetic (": score 0.50 times 2.22 =
    1.11 points.") only when `verbose`; JSON always keeps it."""
    if verbose:
        return crit.explanation
    return ARITHMETIC.sub(".", crit.explanation)


def waiver_note(waiver: WaiverInfo | None) -> str:
    """' Waived until … by …: reason.' (or that the waiver expired), or '' without a waiver."""
    if waiver is None:
        return ""
    if waiver.active:
        return f" Waived until {waiver.expires} by {waiver.owner}: {waiver.reason}"
    return f" Waiver by {waiver.owner} expired on {waiver.expires}: {waiver.reason}"


RANKED_FIELDS = (
    *("project", "path", "score", "score_range", "band", "band_title"),
    *("evidence_sufficient", "coverage", "flags", "criteria_set"),
    *("country", "stage", "commodities", "baseline"),
)
"""The scorecard fields a ranking reads (ranking, ranks, the ranking tables' rows, the
groups of `--group-by` and the new findings of `--baseline`)."""


def ranking_groups(
    cards: list[Scorecard], group_by: str | None
) -> list[tuple[str | None, list[Scorecard]]]:
    """The rankings to show: one of every card (label None), or with `group_by` one per
    value of that key (analysis.views), each ranked on its own."""
    if group_by is None:
        return [(None, cards)]
    from riskscore.analysis.views import grouped

    return [(f"{group_by}: {value}", members) for value, members in grouped(cards, group_by)]


def ranking_title(cards: list[Scorecard], label: str | None, where: str = "") -> str:
    """`Portfolio ranking — 10 projects (set 2.1.0)`, with the group (`country: Zambia`) and
    the `--where` filter (`where band=weak`) when there are."""
    count = f"{len(cards)} project{'s' if len(cards) != 1 else ''}"
    head = f"Portfolio ranking — {label} — {count}" if label else f"Portfolio ranking — {count}"
    scope = f", where {where}" if where else ""
    return f"{head} ({set_label(cards[0])}{scope})"


def baseline_line(base: BaselineInfo) -> str:
    """`Against baseline b.json: 2 new findings (a/unmet, b/red-flag); 40 unchanged; 1 no
    longer found (c/unknown)`: what `evaluate --baseline` reports for one project."""
    new = f"{len(base.new)} new finding{'s' if len(base.new) != 1 else ''}"
    new += f" ({', '.join(base.new)})" if base.new else ""
    gone = f"{len(base.absent)} no longer found"
    gone += f" ({', '.join(base.absent)})" if base.absent else ""
    return f"Against baseline {base.file}: {new}; {len(base.unchanged)} unchanged; {gone}"


def ranked_summary(card: Scorecard, like: Scorecard | None = None) -> Scorecard:
    """`card` with only RANKED_FIELDS, for a streamed ranking that keeps a few hundred bytes
    per project instead of every criterion. Not validated again (model_construct): the values
    come from a validated scorecard. Reading any other field raises AttributeError.

    Each red flag keeps only its criterion id. `like`, an earlier summary of the same run:
    its `criteria_set` is reused when equal, so a run keeps one copy of it instead of one per
    project."""
    fields = {name: getattr(card, name) for name in RANKED_FIELDS}
    # A ranking shows each red flag by its criterion id only.
    fields["flags"] = [Flag.model_construct(criterion=f.criterion) for f in card.flags]
    if like is not None and like.criteria_set == card.criteria_set:
        fields["criteria_set"] = like.criteria_set
    return Scorecard.model_construct(**fields)


def set_label(card: Scorecard) -> str:
    info = card.criteria_set
    lens = f", lens {info.lens}" if info.lens else ""
    return f"{info.name} {info.version}{lens}"
