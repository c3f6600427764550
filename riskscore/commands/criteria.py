"""`riskscore criteria` and `riskscore explain`: read the criteria set without a profile."""

from __future__ import annotations

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
        emit(render_listing(cset, fmt.value, facts, use_color(output), term_width()), output)


def explain(
    criterion_id: Annotated[str, typer.Argument(metavar="ID", help="A criterion id.")],
    criteria: CriteriaOpt = None,
) -> None:
    """Show one criterion in full: rule, red flag, rationale, sources, remediation."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.render.reference import criterion_markdown

        cset = open_criteria(criteria)
        from riskscore.commands.output import emit

        emit(criterion_markdown(cset.criterion(criterion_id), cset, 1), None)
