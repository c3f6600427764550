"""CI gates on evaluated scorecards: --fail-under, --fail-on-flag, --fail-on-insufficient and
--fail-on-unverified.

--fail-under compares the printed score, provisional or not; --fail-on-flag fails on
verified red flags only, and with `--baseline` only on those the baseline does not list;
--fail-on-unverified fails on red flags not checked (their facts are unknown, so they cap
nothing: method v3, P2-P3); --fail-on-insufficient fails any project whose evidence the
set deems insufficient.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from riskscore.engine.rules import round_half_up
from riskscore.engine.scorecard import Scorecard, finding_id, finding_ids


@dataclass(frozen=True)
class GateView:
    """The few facts of a scorecard the gates read, cheap to pass between processes."""

    path: str
    project: str
    score: float
    flags: tuple[tuple[str, str, bool, str | None], ...]  # criterion, severity, waived, expires
    sufficient: bool = True
    reason: str = ""
    findings: tuple[str, ...] = ()
    """Every finding id of the scorecard, for `--create-baseline`."""
    unverified: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # criterion, cap, settled by

    @classmethod
    def of(cls, card: Scorecard) -> GateView:
        """The gate view of a scorecard. With a baseline (`card.baseline`), red flags the
        baseline accepts are left out: the gates consider only new findings."""
        base = card.baseline
        flags = tuple(
            (
                f.criterion,
                f.severity,
                bool(f.waiver and f.waiver.active),
                f.waiver.expires if f.waiver else None,
            )
            for f in card.flags
            if base is None or base.is_new(finding_id(f.criterion, "red-flag"))
        )
        unverified = tuple(
            (f.criterion, f.cap, tuple(f.settled_by))
            for f in card.unverified_flags
            if base is None or base.is_new(finding_id(f.criterion, "unverified-red-flag"))
        )
        return cls(
            card.path,
            card.project,
            card.score,
            flags,
            card.evidence_sufficient,
            card.band_reason,
            tuple(finding_ids(card)),
            unverified,
        )


def gate_failures(
    views: list[GateView],
    fail_under: float | None,
    fail_on_flag: bool,
    fail_on_insufficient: bool = False,
    fail_on_unverified: bool = False,
) -> list[str]:
    """One line per tripped gate; empty when the run passes."""
    lines: list[str] = []
    for view in views:
        if fail_on_unverified:
            lines.extend(
                f"{view.path}: {view.project} has a red flag not checked: {criterion} would cap "
                f"the band at {cap} (settled by stating {', '.join(facts)})"
                for criterion, cap, facts in view.unverified
            )
        if fail_on_insufficient and not view.sufficient:
            lines.append(f"{view.path}: {view.project}: {view.reason}")
        if fail_under is not None and view.score < fail_under:
            lines.append(
                f"{view.path}: {view.project} scores {_printed(view.score)}, "
                f"below --fail-under {fail_under:g}"
            )
        if fail_on_flag:
            lines.extend(
                f"{view.path}: {view.project} has red flag {criterion} ({severity})"
                + (f"; its waiver expired {expires}" if expires else "")
                for criterion, severity, waived, expires in view.flags
                if not waived
            )
    return lines


def _printed(score: float) -> str:
    """A scorecard's score as every output prints it: two decimals, half-up (the set's
    rounding rule; render.common.printed)."""
    return f"{round_half_up(Fraction(str(score)), 2):.2f}"
