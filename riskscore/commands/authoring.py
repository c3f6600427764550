"""`riskscore init` and `riskscore schema`: start a profile, and give editors its JSON Schema."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
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
    """Write a profile skeleton that validates as it is and lists every fact to fill in.

    Its `$schema` line resolves: the checkout's docs/schema, else (with --output) a
    profile.schema.json written beside FILE, else the installed schema's absolute path.
    """
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
        cset = open_criteria(criteria)
        pointer, beside = schema_pointer(output, criteria)
        text = profile_skeleton(cset, name, country, pointer)
        emit(text, output)
        if beside is not None and output is not None:
            from riskscore.analysis.authoring import profile_schema, schema_text
            from riskscore.errors import RiskscoreError

            try:
                emit(schema_text(profile_schema(cset)), beside)
            except RiskscoreError:
                output.unlink(missing_ok=True)  # a profile pointing at nothing: leave neither
                raise


SCHEMA_NAME = "profile.schema.json"


def schema_pointer(output: Path | None, criteria: Path | None) -> tuple[str | None, Path | None]:
    """Where `init`'s `$schema` line points, relative to the profile, so that it resolves:

    1. the profile lands in a riskscore checkout (criteria/set.yaml and docs/schema/ in it or a
       folder above) whose criteria are the set in use: the committed schema, relatively
       (`../docs/schema/profile.schema.json` from projects/);
    2. else, with --output: `profile.schema.json` beside the profile, written from the set in
       use unless a file of that name is there already (returned as the file to write);
    3. else (stdout) with the shipped set: the installed schema's absolute path;
    4. else None: the skeleton says how to write a schema (no pointer that cannot resolve).

    Returns (pointer or None, schema file to write or None).
    """
    from riskscore.load.criteria.loader import default_criteria_dir, shipped_criteria_dir

    where = (output.parent if output is not None else Path.cwd()).resolve()
    in_use = (criteria or default_criteria_dir()).resolve()
    for folder in (where, *where.parents):
        committed = folder / "docs" / "schema" / SCHEMA_NAME
        if (folder / "criteria" / "set.yaml").is_file() and committed.is_file():
            if (folder / "criteria").resolve() == in_use:
                return Path(os.path.relpath(committed, where)).as_posix(), None
            break
    if output is not None:
        beside = where / SCHEMA_NAME
        return SCHEMA_NAME, None if beside.exists() else beside
    if in_use == shipped_criteria_dir().resolve():
        installed = shipped_schema_dir() / SCHEMA_NAME
        if installed.is_file():
            return installed.as_posix(), None
    return None, None


def shipped_schema_dir() -> Path:
    """The JSON Schemas shipped with riskscore (installed as riskscore/_schema, or the source
    checkout's docs/schema)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_schema"
    if (installed / SCHEMA_NAME).is_file():
        return installed
    return package.parent / "docs" / "schema"


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
