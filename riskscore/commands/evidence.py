"""`riskscore evidence`: what to research next, for one profile or a portfolio (issue 20)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    LensOpt,
    OutputOpt,
    ProfilesArg,
    handled,
    term_width,
    today,
    use_color,
)


class QueueFormat(StrEnum):
    """Formats of the research queue."""

    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


FAIL_ON_HELP = (
    "Exit 1 when the queue holds any of these (comma-separated): unverified-flag, "
    "insufficient, stale, going-stale, assumption, unquoted."
)


def evidence(
    paths: ProfilesArg,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="The day staleness is judged on (default: today).",
        ),
    ] = None,
    within: Annotated[
        int,
        typer.Option(
            "--within", min=0, metavar="N", help="Also list facts going stale within N months."
        ),
    ] = 6,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", metavar="WHAT[,WHAT...]", help=FAIL_ON_HELP)
    ] = None,
    criteria: CriteriaOpt = None,
    lens: LensOpt = None,
    fmt: Annotated[
        QueueFormat, typer.Option("--format", "-f", help="Output format.")
    ] = QueueFormat.table,
    output: OutputOpt = None,
) -> None:
    """What to research next: unknown facts ranked by what documenting them would settle,
    then stale facts, facts going stale, assumptions to confirm and facts without a quote.

    For each unknown fact the profile is scored once per allowed value (a number on a small grid
    from its min to its max, plus every threshold the criteria read), so the queue reports
    exactly whether knowing it settles an unverified red flag, the band or the evidence state,
    and how far the score range is sure to narrow. Rank: settles a red flag, then the band or
    the evidence state, then the narrowing, then the points the fact carries, then the fact id.
    A directory gives one queue across its profiles, each row naming its profile, and
    per-profile counts.

    Example: riskscore evidence projects/reko-diq.yaml --as-of 2026-12-06 --within 6
    --fail-on unverified-flag,unquoted (exit 1 when either is found; 2 on bad input).
    docs/evidence.md works an example through by hand.
    """
    with handled():
        import datetime as dt

        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.analysis.research_queue import FAIL_ON, research_queue
        from riskscore.commands.output import emit
        from riskscore.errors import UsageError
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions
        from riskscore.render.research_queue import render
        from riskscore.suggest import did_you_mean

        wanted = [w.strip() for w in (fail_on or "").split(",") if w.strip()]
        for word in wanted:
            if word not in FAIL_ON:
                raise UsageError(
                    f"--fail-on: unknown condition '{word}'{did_you_mean(word, FAIL_ON)}; "
                    f"expected {', '.join(FAIL_ON)}"
                )
        day = as_of or today()
        try:
            day = dt.date.fromisoformat(day).isoformat()
        except ValueError:
            raise UsageError(f"--as-of: {day!r} is not a date; write YYYY-MM-DD") from None
        cset = open_criteria(criteria, lens)
        profiles = load_profiles(discover_profiles(paths), cset)
        queue = research_queue(profiles, cset, day, within, today())
        options = RenderOptions(use_color(output), term_width())
        emit(render(queue, fmt.value, options), output)
        failures = queue.failures(wanted)
        if failures:
            import sys

            sys.stderr.write(f"riskscore evidence: --fail-on tripped: {'; '.join(failures)}\n")
            raise typer.Exit(1)
