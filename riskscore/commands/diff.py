"""`riskscore diff`: how a change of criteria or profiles moves each project, for PR review."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from riskscore.commands.common import (
    LENS_METAVAR,
    TextFormat,
    finite,
    handled,
    term_width,
    today,
    use_color,
)


def diff(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[OLD NEW] [PATH...]",
            help="Without --base: OLD and NEW, each a criteria directory (the same profiles "
            "on both sides), a checkout holding criteria/ or a git ref (its criteria and its "
            "profiles), then profiles. With --base: profiles only. Default: projects/.",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="GITREF",
            help="Compare the scorecards at GITREF (e.g. origin/main: its criteria on its "
            "profiles) with the working copy's.",
        ),
    ] = None,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria",
            "-c",
            help="With --base or git refs: the criteria directory (default: ./criteria).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        TextFormat,
        typer.Option("--format", "-f", help="markdown suits a PR comment or $GITHUB_STEP_SUMMARY."),
    ] = TextFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
    ] = None,
    lens: Annotated[
        str | None,
        typer.Option("--lens", metavar=LENS_METAVAR, help="Apply this lens to both sets."),
    ] = None,
    max_delta: Annotated[
        float | None,
        typer.Option(
            "--max-delta",
            callback=finite,
            min=0,
            metavar="N",
            help="Exit 1 if any project's score moves by more than N points.",
        ),
    ] = None,
    fail_on_band_change: Annotated[
        bool, typer.Option("--fail-on-band-change", help="Exit 1 if any project changes band.")
    ] = False,
    fail_on_fact_change: Annotated[
        bool,
        typer.Option(
            "--fail-on-fact-change",
            help="Exit 1 if changed facts move any project's score (evidence needs sign-off).",
        ),
    ] = False,
) -> None:
    """Compare scorecards at two points (criteria and profiles): what moves, and why."""
    with handled(), ExitStack() as stack:
        from riskscore.analysis.change_diff import diff_sides
        from riskscore.analysis.criteria_diff import gate_failures
        from riskscore.commands.diff_sides import build_sides
        from riskscore.commands.output import emit
        from riskscore.render.diff import render_diff

        old, new = build_sides(stack, args or [], base, criteria, lens)
        result = diff_sides(old, new, today())
        notes: list[str] = []  # what the markdown left out to fit a job summary
        text = render_diff(result, fmt.value, use_color(output), term_width(), notes)
        emit(text, output, inputs=[*new.files.values()])
        for note in notes:
            sys.stderr.write(f"riskscore: note: {note}\n")
        broken = [line for p in result.projects for line in p.new_errors]
        for line in broken:
            sys.stderr.write(f"{line}\n")
        if broken:
            raise typer.Exit(2)
        failures = gate_failures(result, max_delta, fail_on_band_change, fail_on_fact_change)
        for line in failures:
            sys.stderr.write(f"riskscore: gate: {line}\n")
        if failures:
            raise typer.Exit(1)
