"""`riskscore criteria` and `riskscore explain`: read the criteria set without a profile."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    OutputOpt,
    TextFormat,
    handled,
    term_width,
    use_color,
)


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
