"""`riskscore diff`: how a criteria change moves each project's score and band, for PR review."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    LENS_METAVAR,
    TextFormat,
    handled,
    term_width,
    today,
    use_color,
)

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet


def diff(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[OLD NEW] [PATH...]",
            help="Without --base: the old and the new criteria directory, then profiles. "
            "With --base: profiles only. Profiles default to projects/.",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="GITREF",
            help="Compare the criteria committed at GITREF (e.g. origin/main) with the working "
            "copy's.",
        ),
    ] = None,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria",
            "-c",
            help="With --base: the working criteria directory (default: ./criteria).",
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
            min=0,
            metavar="N",
            help="Exit 1 if any project's score moves by more than N points.",
        ),
    ] = None,
    fail_on_band_change: Annotated[
        bool, typer.Option("--fail-on-band-change", help="Exit 1 if any project changes band.")
    ] = False,
) -> None:
    """Compare two criteria sets on the same profiles: which scores and bands move, and why."""
    with handled():
        from riskscore.analysis.criteria_diff import diff_criteria, gate_failures
        from riskscore.commands.output import emit
        from riskscore.load.discovery import discover_profiles
        from riskscore.render.diff import render_diff

        old, new, rest = _criteria_sets(args or [], base, criteria, lens)
        files = discover_profiles(rest or _default_profiles())
        result = diff_criteria(old, new, files, today())
        emit(render_diff(result, fmt.value, use_color(output), term_width()), output, inputs=files)
        broken = [line for p in result.projects for line in p.new_errors]
        for line in broken:
            sys.stderr.write(f"{line}\n")
        if broken:
            raise typer.Exit(2)
        failures = gate_failures(result, max_delta, fail_on_band_change)
        for line in failures:
            sys.stderr.write(f"riskscore: gate: {line}\n")
        if failures:
            raise typer.Exit(1)


def _criteria_sets(
    args: list[str], base: str | None, criteria: Path | None, lens: str | None
) -> tuple[CriteriaSet, CriteriaSet, list[str]]:
    """(old set, new set, remaining PATH arguments), both sets seen through the lens."""
    from riskscore.errors import UsageError
    from riskscore.load.criteria.loader import load_criteria
    from riskscore.load.gitref import load_criteria_at_ref

    if base is not None:
        new_dir = criteria or Path("criteria")
        if not new_dir.is_dir():
            raise UsageError(f"--base: no criteria directory {new_dir}; give --criteria DIR")
        old = load_criteria_at_ref(base, new_dir)
        new = load_criteria(new_dir)
        rest = args
    else:
        if criteria is not None:
            raise UsageError("--criteria applies only with --base; otherwise give OLD and NEW")
        if len(args) < 2:
            raise UsageError("give the OLD and NEW criteria directories, or --base GITREF")
        old, new = load_criteria(Path(args[0])), load_criteria(Path(args[1]))
        rest = args[2:]
    return old.with_lens(lens), new.with_lens(lens), rest


def _default_profiles() -> list[str]:
    from riskscore.errors import UsageError

    if not Path("projects").is_dir():
        raise UsageError("no profiles given and there is no projects/ directory here")
    return ["projects"]
