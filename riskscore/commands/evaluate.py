"""`riskscore evaluate`: score profiles and print explained scorecards, or a ranking."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from riskscore.commands.common import (
    PATHS_HELP,
    CriteriaOpt,
    LensOpt,
    OutputOpt,
    finite,
    handled,
    term_width,
    today,
    use_color,
)
from riskscore.render import BINARY_FORMATS, FORMATS

EvalFormat = Enum(  # type: ignore[misc]
    "EvalFormat", {name: name for name in ("auto", *FORMATS, *BINARY_FORMATS)}, type=str
)
"""Choices for `evaluate --format`: the renderer registry, plus `auto`."""


def resolve_format(name: str) -> str:
    """`auto` is `github` under GitHub Actions (annotations on the PR), else `table`."""
    if name != "auto":
        return name
    return (
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in FORMATS else "table"
    )


def evaluate(
    paths: Annotated[list[str], typer.Argument(help=PATHS_HELP, metavar="PATH...")],
    criteria: CriteriaOpt = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="Output format.")] = EvalFormat(
        "table"
    ),
    output: OutputOpt = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            callback=finite,
            min=0,
            max=100,
            help="Exit 1 if any project scores below SCORE (a provisional score counts too).",
            metavar="SCORE",
        ),
    ] = None,
    fail_on_flag: Annotated[
        bool,
        typer.Option(
            "--fail-on-flag",
            help="Exit 1 if any project has a verified red flag that no active waiver covers "
            "(unverified flags, whose facts are unknown, never fail).",
        ),
    ] = False,
    fail_on_insufficient: Annotated[
        bool,
        typer.Option(
            "--fail-on-insufficient",
            help="Exit 1 if the evidence of any project is insufficient for a band "
            "(coverage or band range outside what the criteria set allows).",
        ),
    ] = False,
    fail_on_unverified: Annotated[
        bool,
        typer.Option(
            "--fail-on-unverified",
            help="Exit 1 if any project has a red flag not checked (its facts are unknown, so "
            "it caps nothing; the scorecard lists the band it would impose).",
        ),
    ] = False,
    no_waivers: Annotated[
        bool, typer.Option("--no-waivers", help="Ignore every waiver (the audit view).")
    ] = False,
    lens: LensOpt = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Table: show each criterion's arithmetic (score × max = points).",
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Table: list every criterion, not only those that cost the most points."
        ),
    ] = False,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Score every profile that can be scored and print those results even when "
            "another profile is bad; the bad ones are reported on stderr and the exit code is "
            "still 2.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=64,
            help="Worker processes (default: 1 for "
            "small runs, up to 4 for large ones). Output order never depends on it.",
        ),
    ] = None,
) -> None:
    """Score project profiles and print explained scorecards (several: a ranking)."""
    with handled():
        from riskscore.analysis.ci_gates import GateView, gate_failures
        from riskscore.analysis.pipeline import make_report, open_criteria
        from riskscore.analysis.portfolio import evaluate_json, json_document
        from riskscore.commands.output import emit, emit_stream
        from riskscore.commands.progress import with_progress
        from riskscore.engine.scorecard import Scorecard
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions, get_renderer, get_streamer

        name = resolve_format(fmt.value)
        binary = name in BINARY_FORMATS
        if binary:
            from importlib import import_module

            from riskscore.errors import UsageError

            if output is None:
                raise UsageError(f"--format {name} writes a binary file; give --output FILE")
            module = import_module(BINARY_FORMATS[name])
            module.check()
        else:
            renderer = get_renderer(name)
        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        views: list[GateView] = []
        lines = name == "jsonl"
        failed: list[str] | None = [] if keep_going else None
        stream = with_progress(
            evaluate_json(files, cset, today(), not no_waivers, jobs, views, lines, failed),
            len(files),
        )
        if name == "json":
            emit_stream(json_document(cset, stream), output, inputs=files)
        elif lines:
            emit_stream(stream, output, inputs=files)
        elif binary:
            from riskscore.commands.output import binary_target
            from riskscore.engine.scorecard import criterion_definitions, set_info

            assert output is not None
            with binary_target(output, files) as handle:
                cards = (Scorecard.model_validate_json(t) for t in stream)
                module.write(handle, cards, criterion_definitions(cset), set_info(cset))
        elif (streamer := get_streamer(name)) is not None:
            # One scorecard at a time: memory stays flat however many profiles.
            options = RenderOptions(use_color(output), term_width(), verbose=verbose, full=full)
            cards = (Scorecard.model_validate_json(t) for t in stream)
            if name == "github":  # tripped gates are annotated right after the red flags
                from riskscore.render.github import stream_with_gates

                pieces = stream_with_gates(
                    cards,
                    lambda: gate_failures(
                        views, fail_under, fail_on_flag, fail_on_insufficient, fail_on_unverified
                    ),
                )
            else:
                pieces = streamer(cards, make_report([], cset), options)
            emit_stream((piece.encode("utf-8") for piece in pieces), output, files)
        else:
            report = make_report([Scorecard.model_validate_json(t) for t in stream], cset)
            options = RenderOptions(use_color(output), term_width(), verbose=verbose, full=full)
            if name == "github":  # tripped gates are annotated right after the red flags
                from riskscore.render.github import render_with_gates

                tripped = gate_failures(
                    views, fail_under, fail_on_flag, fail_on_insufficient, fail_on_unverified
                )
                text = render_with_gates(report, tripped)
            else:
                text = renderer(report, options)
            emit(text, output, files)
        failures = gate_failures(
            views, fail_under, fail_on_flag, fail_on_insufficient, fail_on_unverified
        )
        for line in failures:
            sys.stderr.write(f"riskscore: gate: {line}\n")
        if failed:
            sys.stderr.write("".join(f"{line}\n" for line in failed))
            sys.stderr.write(
                f"riskscore: {len(files) - len(views)} of {len(files)} profiles could not be "
                "scored (above); the output shows the others\n"
            )
            raise typer.Exit(2)
        if failures:
            raise typer.Exit(1)
