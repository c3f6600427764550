"""CI gates on evaluated scorecards: --fail-under and --fail-on-flag."""

from __future__ import annotations

from riskscore.scorecard import Scorecard


def gate_failures(
    cards: list[Scorecard], fail_under: float | None, fail_on_flag: bool
) -> list[str]:
    """One line per tripped gate; empty when the run passes."""
    lines: list[str] = []
    for card in cards:
        if fail_under is not None and card.score < fail_under:
            lines.append(
                f"{card.path}: {card.project} scores {card.score:.1f}, "
                f"below --fail-under {fail_under:g}"
            )
        if fail_on_flag:
            lines.extend(
                f"{card.path}: {card.project} has red flag {flag.criterion} ({flag.severity})"
                + (f"; its waiver expired {flag.waiver.expires}" if flag.waiver else "")
                for flag in card.flags
                if not (flag.waiver and flag.waiver.active)
            )
    return lines
