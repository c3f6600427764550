"""The command line (typer): parse options, call the core, choose the exit code. No logic here.

Exit codes: 0 evaluated and no gate tripped; 1 a requested gate tripped; 2 bad input or usage.
Heavy modules are imported inside commands so `--help` and `--version` start fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from riskscore import __version__
from riskscore.commands import analysis, authoring, common
from riskscore.commands import diff as diff_command
from riskscore.commands import report as report_command
from riskscore.commands.common import (
    CriteriaOpt,
    LensOpt,
    OutputOpt,
    TextFormat,
    handled,
    term_width,
    today,
    use_color,
)
from riskscore.render import FORMATS

app = typer.Typer(
    name="riskscore",
    help="Score the governance and risk of critical-minerals projects against declarative, "
    "sourced criteria. Exit codes: 0 ok, 1 a requested gate tripped, 2 bad input or usage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskscore {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """riskscore: explained, weighted governance scorecards for mining projects."""
    common.DEBUG = debug


@app.command()
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
            help="Exit 1 if any project scores below SCORE.",
            metavar="SCORE",
        ),
    ] = None,
    fail_on_flag: Annotated[
        bool,
        typer.Option(
            "--fail-on-flag",
            help="Exit 1 if any project has a red flag that no active waiver covers.",
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
        failures = gate_failures(views, fail_under, fail_on_flag)
        for line in failures:
            sys.stderr.write(f"riskscore: gate: {line}\n")
        if failures:
            raise typer.Exit(1)


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Profiles to check as well (files, directories or globs).", metavar="[PATH...]"
        ),
    ] = None,
    criteria: CriteriaOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when there are warnings (e.g. an expired waiver), not only errors.",
        ),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="GITREF",
            help="Also warn when the criteria changed since GITREF but the set version did not.",
        ),
    ] = None,
) -> None:
    """Check the criteria set and, if given, profiles; report every problem at once.

    Errors (exit 2) are printed as `path:line: message`; warnings (unused facts, expired
    waivers, waivers that waive nothing) go to stderr and only fail the run with --strict.
    """
    with handled():
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.analysis.waivers import waiver_findings
        from riskscore.engine.evaluate import evaluate
        from riskscore.load.discovery import discover_profiles

        cset = open_criteria(criteria)
        warnings = list(cset.warnings)
        if base is not None:
            from riskscore.analysis.criteria_diff import version_warning
            from riskscore.load.criteria.loader import default_criteria_dir
            from riskscore.load.gitref import load_criteria_at_ref

            old = load_criteria_at_ref(base, criteria or default_criteria_dir())
            warnings += [w for w in [version_warning(old, cset)] if w]
        profiles = load_profiles(discover_profiles(paths), cset) if paths else []
        day = today()
        for profile in profiles:
            warnings += waiver_findings(profile, evaluate(profile, cset, day), day)
        for warning in warnings:
            sys.stderr.write(f"warning: {warning}\n")
        typer.echo(
            f"ok: criteria set {cset.header.name} {cset.header.version} "
            f"({len(cset.criteria)} criteria, {len(cset.lenses)} lenses) and "
            f"{len(profiles)} profile(s) are valid"
            + (f"; {len(warnings)} warning(s)" if warnings else "")
        )
        if strict and warnings:
            raise typer.Exit(1)


@app.command(name="criteria")
def list_criteria(
    criteria: CriteriaOpt = None,
    fmt: Annotated[
        TextFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: a summary; markdown: the full reference; json: the parsed set.",
        ),
    ] = TextFormat.table,
    facts: Annotated[
        bool, typer.Option("--facts", help="List the fact vocabulary instead.")
    ] = False,
    output: OutputOpt = None,
) -> None:
    """List the criteria set (or its fact vocabulary)."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit
        from riskscore.render.listing import render_listing

        cset = open_criteria(criteria)
        emit(render_listing(cset, fmt.value, facts, use_color(output), term_width()), output)


@app.command()
def explain(
    criterion_id: Annotated[str, typer.Argument(metavar="ID", help="A criterion id.")],
    criteria: CriteriaOpt = None,
) -> None:
    """Show one criterion in full: rule, red flag, rationale, sources, remediation."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.render.reference import criterion_markdown

        cset = open_criteria(criteria)
        typer.echo(criterion_markdown(cset.criterion(criterion_id), cset, 1), nl=False)


# Commands that live in their own modules, registered explicitly (no import-time magic).
app.command()(diff_command.diff)
app.command()(analysis.whatif)
app.command()(analysis.sensitivity)
app.command()(analysis.compare)
app.command()(report_command.report)
app.command()(authoring.init)
app.command()(authoring.schema)


def main() -> None:
    """Console-script entry point."""
    app()
