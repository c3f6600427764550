"""Small helpers shared by the text renderers."""

from __future__ import annotations

from riskscore.scorecard import CriterionResult, Scorecard

STATUS_MARK = {
    "met": "✔ met",
    "partial": "◐ partial",
    "unmet": "✘ unmet",
    "unknown": "? unknown",
    "not_applicable": "– n/a",
}


def fmt_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def bar(score: float | None, width: int = 20) -> str:
    """A text bar for a 0-100 score."""
    if score is None:
        return "·" * width
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def points(crit: CriterionResult) -> str:
    if crit.status == "not_applicable" or crit.score is None:
        return "–"
    return f"{crit.points:.2f}/{crit.max_points:.2f}"


def ranking(scorecards: list[Scorecard]) -> list[Scorecard]:
    """Highest score first; ties broken by project name so the order never depends on input."""
    return sorted(scorecards, key=lambda s: (-s.score, s.project, s.path))


def set_label(card: Scorecard) -> str:
    info = card.criteria_set
    lens = f", lens {info.lens}" if info.lens else ""
    return f"{info.name} {info.version}{lens}"
