"""`riskscore criteria` and `riskscore explain`: read the criteria set without a profile."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from riskscore.commands.common import (
    PATHS_HELP,
    CriteriaOpt,
    OutputOpt,
    TextFormat,
    handled,
    term_width,
    today,
    use_color,
)
from riskscore.errors import UsageError


def list_criteria(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH...]",
            help="With --effective: the profiles to measure on. " + PATHS_HELP,
            show_default=False,
        ),
    ] = None,
    criteria: CriteriaOpt = None,
    fmt: Annotated[
        TextFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: a summary; markdown: the full reference; json: the parsed set. "
            "With --effective: the shares as a table, a markdown table or JSON.",
        ),
    ] = TextFormat.table,
    facts: Annotated[
        bool, typer.Option("--facts", help="List the fact vocabulary instead.")
    ] = False,
    effective: Annotated[
        bool,
        typer.Option(
            "--effective",
            help="Nominal beside effective weights: the share of the variation of the overall "
            "score across the profiles PATH... that goes with each criterion (squared "
            "correlation, normalised; docs/weights.md).",
        ),
    ] = False,
    output: OutputOpt = None,
) -> None:
    """List the criteria set (or its fact vocabulary), or with --effective and profiles each
    criterion's nominal and effective share of the score on those profiles."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit
        from riskscore.render.listing import render_listing

        if effective and facts:
            raise UsageError("--effective and --facts cannot be combined")
        if paths and not effective:
            raise UsageError("profile paths are read only with --effective")
        if effective:
            from riskscore.analysis.effective_weights import effective_weights
            from riskscore.analysis.pipeline import evaluate_paths
            from riskscore.load.discovery import discover_profiles
            from riskscore.render import RenderOptions
            from riskscore.render.effective_weights import render

            if not paths:
                raise UsageError("--effective needs profile paths, e.g. projects/")
            files = discover_profiles(paths)
            cset = open_criteria(criteria)
            report = evaluate_paths(files, cset, today())
            result = effective_weights(report.scorecards, cset)
            options = RenderOptions(use_color(output), term_width())
            emit(render(result, fmt.value, options), output, files)
            return
        cset = open_criteria(criteria)
        from riskscore.load.countries import country_names

        text = render_listing(
            cset, fmt.value, facts, use_color(output), term_width(), country_names()
        )
        emit(text, output)


class ExplainFormat(StrEnum):
    """`explain` prints for a terminal (rich) or raw Markdown."""

    table = "table"
    markdown = "markdown"


def explain(
    criterion_id: Annotated[str, typer.Argument(metavar="ID", help="A criterion id.")],
    criteria: CriteriaOpt = None,
    fmt: Annotated[
        ExplainFormat,
        typer.Option("--format", "-f", help="table: rendered for the terminal; markdown: raw."),
    ] = ExplainFormat.table,
) -> None:
    """Show one criterion in full: rule, red flag, rationale, sources, remediation."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.render import RenderOptions
        from riskscore.render.reference import criterion_markdown, explain_text

        cset = open_criteria(criteria)
        from riskscore.commands.output import emit

        crit = cset.criterion(criterion_id)
        from riskscore.load.countries import country_names

        names = country_names()
        if fmt == ExplainFormat.markdown:
            emit(criterion_markdown(crit, cset, 1, names), None)
        else:
            options = RenderOptions(use_color(None), term_width())
            emit(explain_text(crit, cset, options, names), None)
