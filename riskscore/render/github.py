"""GitHub Actions workflow commands, so a run annotates the profile lines behind each gap.

Red flags are `::error`, unmet criteria `::warning`, partial and unknown ones `::notice`;
an actively waived item is a `::notice` that says so. Each project ends with a `::notice::`
summary of its score and band.
"""

from __future__ import annotations

from riskscore.engine.scorecard import Report, Scorecard, WaiverInfo
from riskscore.render import RenderOptions
from riskscore.render.common import band_label, one_decimal, points
from riskscore.render.sarif import criterion_line, flag_line

STATUS_COMMANDS = {"unmet": "warning", "partial": "notice", "unknown": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value; ':' and ',' would otherwise end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    params = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items())
    return (
        f"::{name} {params}::{escape_data(message)}"
        if params
        else f"::{name}::{escape_data(message)}"
    )


def render(report: Report, options: RenderOptions) -> str:
    lines: list[str] = []
    for card in report.scorecards:
        lines += _annotations(card)
        lines.append(command("notice", _summary(card)))
    return "".join(f"{line}\n" for line in lines)


def _waived(waiver: WaiverInfo | None, name: str, message: str) -> tuple[str, str]:
    """An active waiver turns the annotation into a notice; an expired one is mentioned."""
    if waiver is None:
        return name, message
    if not waiver.active:
        return (
            name,
            f"{message}\nA waiver by {waiver.owner} expired on {waiver.expires}: {waiver.reason}",
        )
    return "notice", (
        f"Waived until {waiver.expires} by {waiver.owner}: {waiver.reason}\n{message}"
    )


def _annotations(card: Scorecard) -> list[str]:
    lines: list[str] = []
    titles = {c.id: c.title for c in card.criteria}
    for flag in card.flags:
        name, message = _waived(
            flag.waiver,
            "error",
            f"{card.project}: {flag.message} Caps the band at {flag.cap}.\n"
            f"Evidence: {flag.evidence}",
        )
        lines.append(
            command(
                name,
                message,
                file=card.path,
                line=flag_line(card, flag),
                title=f"riskscore red flag ({flag.severity}): "
                + titles.get(flag.criterion, flag.criterion),
            )
        )
    for flag in card.unverified_flags:
        lines.append(
            command(
                "notice",
                f"{card.project}: could not check this red flag: {flag.message} "
                f"Missing: {flag.evidence}",
                file=card.path,
                line=1,
                title="riskscore unverified red flag: "
                + titles.get(flag.criterion, flag.criterion),
            )
        )
    for crit in card.criteria:
        if crit.status not in STATUS_COMMANDS:
            continue
        earned = f", {points(crit)} points" if crit.score is not None else ""
        text = f"{card.project}: {crit.id} ({crit.status}{earned}). {crit.explanation}"
        if crit.remediation:
            text += f"\nRemediation: {crit.remediation}"
        name, message = _waived(crit.waiver, STATUS_COMMANDS[crit.status], text)
        lines.append(
            command(
                name,
                message,
                file=card.path,
                line=criterion_line(crit),
                title=f"riskscore {crit.title}",
            )
        )
    return lines


def _summary(card: Scorecard) -> str:
    flags = ", ".join(f.criterion for f in card.flags) or "none"
    caps = f" (before caps: {card.band_before_caps})" if card.band != card.band_before_caps else ""
    return (
        f"riskscore: {card.project} ({card.path}) scores {one_decimal(card.score)}/100 "
        f"(range {one_decimal(card.score_range[0])}-{one_decimal(card.score_range[1])}), "
        f"band {band_label(card)}{caps}; evidence coverage {card.coverage:.0f}%; "
        f"red flags: {flags}"
    )
