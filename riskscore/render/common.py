"""Small helpers shared by the text renderers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from riskscore.engine.scorecard import CriterionResult, Flag, Scorecard, WaiverInfo
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


def one_decimal(value: float) -> str:
    """A printed score (two decimals) shown to one decimal, rounded half-up like the engine
    (52.25 -> 52.3), so every output prints the same figure."""
    n = Fraction(str(value)) * 10
    k = int(abs(n)) + (1 if abs(n) - int(abs(n)) >= Fraction(1, 2) else 0)
    return f"{'-' if value < 0 and k else ''}{k // 10}.{k % 10}"


def fmt_score(value: float | None) -> str:
    """The one rounding rule for scores (0-100) and points: one decimal, half-up; `n/a` for
    none."""
    return "n/a" if value is None else one_decimal(value)


def band_label(card: Scorecard) -> str:
    """The band's title, marked provisional when the evidence is insufficient."""
    return card.band_title if card.evidence_sufficient else f"{card.band_title} (provisional)"


def score_span(card: Scorecard) -> str:
    """'51.5-61.2' with an en dash: the score with every unknown fact at worst / best."""
    lo, hi = card.score_range
    return f"{one_decimal(lo)}–{one_decimal(hi)}"


def range_text(card: Scorecard) -> str:
    """'51.5-61.2 (Weak-Weak)' with en dashes: `score_span` and the bands of both ends."""
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
    """'Governance 57.9 · context hostile (23.1)', or '' when neither is known."""
    parts = []
    if card.governance_score is not None:
        parts.append(f"Governance score {one_decimal(card.governance_score)}")
    if card.context_rating_range is not None:  # unknown context facts could change it
        parts.append(f"context {card.context_rating}")
    elif card.context_rating is not None and card.context_score is not None:
        parts.append(f"context {card.context_rating} ({one_decimal(card.context_score)})")
    return " · ".join(parts)


def fmt_signed(value: float) -> str:
    """A change in score or points, one decimal with its sign: `+1.2`, `-0.4`, `+0.0`."""
    return f"{value:+.1f}"


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


def ranking(scorecards: list[Scorecard]) -> list[Scorecard]:
    """Projects with sufficient evidence first (their own group), then best band, then highest
    score, so a project capped by a red flag never outranks one in a better band and a
    provisional band never outranks a stated one; ties broken by name and path."""

    def key(card: Scorecard) -> tuple[bool, int, float, str, str]:
        bands = card.criteria_set.bands
        band = bands.index(card.band) if card.band in bands else len(bands)
        return not card.evidence_sufficient, band, -card.score, card.project, card.path

    return sorted(scorecards, key=key)


RANKED_FIELDS = (
    *("project", "path", "score", "score_range", "band", "band_title"),
    *("evidence_sufficient", "coverage", "flags", "criteria_set"),
)
"""The scorecard fields a ranking reads (ranking, ranks, and the ranking tables' rows)."""


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


def ranks(scorecards: list[Scorecard]) -> list[tuple[int, Scorecard]]:
    """(rank, card) in `ranking` order; projects with the same band and score share a rank and
    the next rank skips ("1, 1, 3": standard competition ranking)."""
    ordered = ranking(scorecards)
    out: list[tuple[int, Scorecard]] = []
    for i, card in enumerate(ordered):
        prev = ordered[i - 1] if i else None
        tied = prev is not None and (prev.evidence_sufficient, prev.band, prev.score) == (
            card.evidence_sufficient,
            card.band,
            card.score,
        )
        out.append((out[-1][0] if tied else i + 1, card))
    return out


def set_label(card: Scorecard) -> str:
    info = card.criteria_set
    lens = f", lens {info.lens}" if info.lens else ""
    return f"{info.name} {info.version}{lens}"
