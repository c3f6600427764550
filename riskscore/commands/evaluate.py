"""`riskscore evaluate`: score profiles and print explained scorecards, or a ranking."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    LensOpt,
    OutputOpt,
    handled,
    term_width,
    today,
    use_color,
)
from riskscore.render import FORMATS

EvalFormat = Enum(  # type: ignore[misc]
    "EvalFormat", {name: name for name in ("auto", *FORMATS)}, type=str
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
    paths: Annotated[
        list[str], typer.Argument(help="Profile files, directories or globs.", metavar="PATH...")
    ],
    criteria: CriteriaOpt = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="Output format.")] = EvalFormat(
        "table"
    ),
    output: OutputOpt = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
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
    no_waivers: Annotated[
        bool, typer.Option("--no-waivers", help="Ignore every waiver (the audit view).")
    ] = False,
    lens: LensOpt = None,
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
        from riskscore.render import RenderOptions, get_renderer

        name = resolve_format(fmt.value)
        renderer = get_renderer(name)
        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        views: list[GateView] = []
        stream = with_progress(
            evaluate_json(files, cset, today(), not no_waivers, jobs, views), len(files)
        )
        if name == "json":
            emit_stream(json_document(cset, stream), output, inputs=files)
        else:
            report = make_report([Scorecard.model_validate_json(t) for t in stream], cset)
            emit(renderer(report, RenderOptions(use_color(output), term_width())), output, files)
        failures = gate_failures(views, fail_under, fail_on_flag, fail_on_insufficient)
        for line in failures:
            sys.stderr.write(f"riskscore: gate: {line}\n")
        if failures:
            raise typer.Exit(1)
