"""`riskscore init` and `riskscore schema`: start a profile, and give editors its JSON Schema."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from riskscore.commands.common import CriteriaOpt, OutputOpt, handled


class SchemaKind(StrEnum):
    profile = "profile"
    criteria = "criteria"


def init(
    name: Annotated[str, typer.Argument(help="The project's name.", metavar="NAME")],
    output: OutputOpt = None,
    criteria: CriteriaOpt = None,
    country: Annotated[
        str, typer.Option("--country", help="The host country, written into the profile.")
    ] = "unspecified",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write a profile skeleton that validates as it is and lists every fact to fill in."""
    with handled():
        from riskscore.analysis.authoring import profile_skeleton
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit
        from riskscore.errors import UsageError

        if not name.strip():
            raise UsageError("NAME must not be empty")
        if not country.strip():
            raise UsageError("--country must not be empty")
        if output is not None and output.exists() and not force:
            raise UsageError(f"{output}: already exists; pass --force to overwrite it")
        emit(profile_skeleton(open_criteria(criteria), name, country), output)


def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which file the schema describes.")],
    output: OutputOpt = None,
    criteria: CriteriaOpt = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a profile or of a criterion file."""
    with handled():
        from riskscore.analysis.authoring import criteria_schema, profile_schema, schema_text
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit

        if kind is SchemaKind.profile:
            document = profile_schema(open_criteria(criteria))
        else:
            document = criteria_schema()
        emit(schema_text(document), output)
