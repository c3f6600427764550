"""GitHub Actions workflow commands, so a run annotates the profile lines behind each gap.

Red flags are `::error`, unmet criteria `::warning`, partial and unknown ones `::notice`;
an actively waived item is a `::notice` that says so. Each project has a `::notice::`
summary of its score and band.

GitHub shows at most 10 annotations of each level per step and 50 per job, in print order,
and drops the rest without a word. So what matters is printed first: every red flag, then the
gates that tripped (`evaluate` passes them in), then each project's summary, then unmet,
unverified, partial and unknown criteria. Whatever would pass a cap is printed as plain
lines in a collapsed `::group::` of the log instead, and a closing notice says how many
findings were left out and where to read them all (the SARIF upload, the markdown summary).

With `evaluate --baseline FILE` only findings new against the baseline are annotated; each
project's summary counts the unchanged ones (not annotated) and those no longer found.

Profile text is data in the log: command messages and properties are escaped as the runner
unescapes them, plain lines go through `escape.log_line`, and neither holds `::` or the
legacy `##[` form the runner would act on anywhere in a line (`escape.workflow_data`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import IO

from riskscore.engine.scorecard import Report, Scorecard, WaiverInfo, finding_id
from riskscore.render import RenderOptions
from riskscore.render.common import band_label, one_decimal, points
from riskscore.render.escape import log_line, workflow_data, workflow_property
from riskscore.render.sarif import criterion_line, flag_line

STATUS_COMMANDS = {"unmet": "warning", "partial": "notice", "unknown": "notice"}


escape_data = workflow_data
escape_property = workflow_property


def command(name: str, message: str, **props: str | int) -> str:
    params = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items())
    return (
        f"::{name} {params}::{escape_data(message)}"
        if params
        else f"::{name}::{escape_data(message)}"
    )


PER_LEVEL = 10
"""Annotations GitHub shows per level (error, warning, notice) per step."""

PER_JOB = 50
"""Annotations GitHub shows per job."""

_PRIORITY = {"error": 0, "warning": 2, "notice": 3}

Item = tuple[str, str, dict[str, str | int]]
"""One annotation: (level, message, properties such as file, line and title)."""


def render(report: Report, options: RenderOptions) -> str:
    """Every annotation of the report, most important first, within GitHub's caps."""
    return render_with_gates(report, [])


def render_with_gates(report: Report, gates: list[str]) -> str:
    """As `render`, with the tripped gates' lines (`--fail-under`, `--fail-on-flag`) as errors
    right after the red flags."""
    return "".join(stream_with_gates(report.scorecards, lambda: gates))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time."""
    return stream_with_gates(cards, list)


def stream_with_gates(cards: Iterable[Scorecard], gates: Callable[[], list[str]]) -> Iterator[str]:
    """As `render_with_gates`, holding one scorecard at a time; `gates()` is called once every
    scorecard has been read (the gates are known only then).

    The order puts every red flag (error) first, then the gates, the summaries, warnings and
    notices, each kind in project order; each kind is kept in its own temporary file (in
    memory up to SPOOL_BYTES) as JSON lines, then read back twice: once for the annotations
    within GitHub's caps, once for the plain lines of what is left out."""
    with ExitStack() as stack:
        kinds = ("error", "summary", "warning", "notice")
        spools = {
            kind: stack.enter_context(
                tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8")
            )
            for kind in kinds
        }
        counts = {"error": 0, "warning": 0, "notice": 0}
        for card in cards:
            for item in _annotations(card):
                spools[item[0]].write(json.dumps(item) + "\n")
                counts[item[0]] += 1
            spools["summary"].write(json.dumps(("notice", _summary(card), {})) + "\n")
            counts["notice"] += 1
        gate_items: list[Item] = [("error", line, {"title": "riskscore gate"}) for line in gates()]
        counts["error"] += len(gate_items)

        def ordered() -> Iterator[Item]:
            yield from _read(spools["error"])
            yield from gate_items
            for kind in kinds[1:]:
                yield from _read(spools[kind])

        overflow = sum(counts.values()) > PER_JOB or any(n > PER_LEVEL for n in counts.values())
        left_out = 0
        for shown, (name, message, props) in _within_caps(ordered(), overflow):
            if shown:
                yield command(name, message, **props) + "\n"
            else:
                left_out += 1
        if not left_out:
            return
        yield f"::group::riskscore: {left_out} more findings, not annotated\n"
        for shown, (name, message, props) in _within_caps(ordered(), overflow):
            if not shown:
                yield _plain_line(name, message, props) + "\n"
        yield "::endgroup::\n"
        yield (
            command(
                "notice",
                f"{left_out} findings were left out of the annotations (GitHub shows "
                f"{PER_LEVEL} per level per step); they are in this step's log under "
                "'riskscore: more findings'. Read every finding in the code-scanning alerts "
                "(--format sarif) or the job summary (--format markdown >> "
                "$GITHUB_STEP_SUMMARY).",
                title="riskscore: annotations left out",
            )
            + "\n"
        )


SPOOL_BYTES = 1 << 20
"""Findings held in memory per kind before they spill to a temporary file."""


def _read(spool: IO[str]) -> Iterator[Item]:
    spool.seek(0)
    for line in spool:
        name, message, props = json.loads(line)
        yield name, message, props


def _within_caps(items: Iterable[Item], overflow: bool) -> Iterator[tuple[bool, Item]]:
    """Each item with whether GitHub will show it as an annotation. One notice and one job
    slot are kept for the closing line whenever something is left out (`overflow`)."""
    counts = {"error": 0, "warning": 0, "notice": 0}
    shown = 0
    for item in items:
        level_cap = PER_LEVEL - (1 if overflow and item[0] == "notice" else 0)
        if counts[item[0]] < level_cap and shown < PER_JOB - (1 if overflow else 0):
            counts[item[0]] += 1
            shown += 1
            yield True, item
        else:
            yield False, item


def _plain_line(name: str, message: str, props: dict[str, str | int]) -> str:
    """A finding as a plain log line (not a command): `level file:line title: message`."""
    where = f"{props['file']}:{props['line']} " if "file" in props else ""
    title = f"{props['title']}: " if "title" in props else ""
    text = title + message
    # Starts with a word, and log_line breaks every `::` and `##[` in it: never a command.
    return log_line(f"{name} {where}{text}")


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


def _annotations(card: Scorecard) -> list[Item]:
    """(level, message, properties) of each finding of one project, in the set's order."""
    lines: list[Item] = []
    base = card.baseline
    for flag in card.flags:
        if base is not None and not base.is_new(finding_id(flag.criterion, "red-flag")):
            continue  # accepted in the baseline: counted in the summary, not annotated
        name, message = _waived(
            flag.waiver,
            "error",
            f"{card.project}: {flag.message} Caps the band at {flag.cap}.\n"
            f"Evidence: {flag.evidence}",
        )
        lines.append(
            (
                name,
                message,
                {
                    "file": card.path,
                    "line": flag_line(card, flag),
                    "title": f"riskscore red flag ({flag.severity}) {flag.criterion}: "
                    + flag.message.strip(),
                },
            )
        )
    for flag in card.unverified_flags:
        fid = finding_id(flag.criterion, "unverified-red-flag")
        if base is not None and not base.is_new(fid):
            continue
        lines.append(
            (
                "notice",
                f"{card.project}: could not check this red flag: {flag.message} "
                f"Missing: {flag.evidence}",
                {
                    "file": card.path,
                    "line": 1,
                    "title": f"riskscore unverified red flag {flag.criterion} "
                    f"(would cap the band at {flag.cap})",
                },
            )
        )
    for crit in card.criteria:
        if crit.status not in STATUS_COMMANDS:
            continue
        if base is not None and not base.is_new(f"{crit.id}/{crit.status}"):
            continue
        earned = f", {points(crit)} points" if crit.score is not None else ""
        text = f"{card.project}: {crit.id} ({crit.status}{earned}). {crit.explanation}"
        if crit.remediation:
            text += f"\nRemediation: {crit.remediation}"
        name, message = _waived(crit.waiver, STATUS_COMMANDS[crit.status], text)
        lines.append(
            (
                name,
                message,
                {
                    "file": card.path,
                    "line": criterion_line(crit),
                    "title": f"riskscore {crit.title}",
                },
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
        f"red flags: {flags}" + _baseline_note(card)
    )


def _baseline_note(card: Scorecard) -> str:
    """`; baseline FILE: 2 new, 40 unchanged (not annotated), 1 no longer found`, or ''."""
    base = card.baseline
    if base is None:
        return ""
    return (
        f"; baseline {base.file}: {len(base.new)} new, {len(base.unchanged)} unchanged "
        f"(not annotated), {len(base.absent)} no longer found"
    )
