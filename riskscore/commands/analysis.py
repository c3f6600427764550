"""`riskscore whatif | sensitivity | compare`: analyst workflows, thin over riskscore.analysis.

app.py registers these functions; heavy modules are imported inside each body
so `riskscore --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    PATHS_HELP,
    CriteriaOpt,
    LensOpt,
    OutputOpt,
    TextFormat,
    finite,
    handled,
    term_width,
    today,
    use_color,
)

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet

FormatOpt = Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")]
ProfilesArg = Annotated[list[str], typer.Argument(help=PATHS_HELP, metavar="PATH...")]


def band_titles(cset: CriteriaSet) -> dict[str, str]:
    """Band id -> title: human-readable outputs name bands as the set titles them."""
    return {band.id: band.title for band in cset.header.bands}


def whatif(
    profile: Annotated[str, typer.Argument(help="A profile file.", metavar="PROFILE")],
    assign: Annotated[
        list[str] | None,
        typer.Option(
            "--set", "-s", metavar="FACT=VALUE", help="Change a fact (repeat for several)."
        ),
    ] = None,
    roadmap: Annotated[
        bool,
        typer.Option("--roadmap", help="List the single-fact changes that raise the score most."),
    ] = False,
    steps: Annotated[
        int | None,
        typer.Option("--steps", min=1, help="Most roadmap steps to list (default 10)."),
    ] = None,
    criteria: CriteriaOpt = None,
    lens: LensOpt = None,
    fmt: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Re-score a profile with changed facts (--set), or list an improvement roadmap."""
    with handled():
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.commands.output import emit
        from riskscore.errors import UsageError
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions

        if roadmap == bool(assign):
            raise UsageError("give --set FACT=VALUE (one or more) or --roadmap, not both")
        if steps is not None and not roadmap:
            raise UsageError("--steps only applies with --roadmap")
        files = discover_profiles([profile])
        if len(files) != 1:
            raise UsageError(f"{profile}: whatif takes one profile, found {len(files)}")
        cset = open_criteria(criteria, lens)
        loaded = load_profiles(files, cset)[0]
        options = RenderOptions(use_color(output), term_width())
        if roadmap:
            from riskscore.analysis import roadmap as rm

            result = rm.build_roadmap(loaded, cset, today(), 10 if steps is None else steps)
            text = rm.render(result, fmt.value, options, band_titles(cset))
        else:
            from riskscore.analysis import whatif as wi

            changes = wi.parse_assignments(assign or [], cset)
            text = wi.render(wi.what_if(loaded, cset, changes, today()), fmt.value, options)
        emit(text, output, inputs=files)


def sensitivity(
    paths: ProfilesArg,
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=1, help="Number of weight draws.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same output).")] = 0,
    spread: Annotated[
        float,
        typer.Option(
            "--spread",
            min=0,
            callback=finite,
            help="Each weight is multiplied by U[1-X, 1+X]; X below 1.",
        ),
    ] = 0.25,
    criteria: CriteriaOpt = None,
    lens: LensOpt = None,
    fmt: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """How scores, bands and ranks move when every weight is uncertain (Monte Carlo)."""
    with handled():
        from riskscore.analysis.pipeline import evaluate_paths, open_criteria
        from riskscore.analysis.sensitivity import render, run_sensitivity
        from riskscore.commands.output import emit
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions

        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        cards = evaluate_paths(files, cset, today()).scorecards
        result = run_sensitivity(cards, cset, samples, seed, spread)
        options = RenderOptions(use_color(output), term_width())
        emit(render(result, fmt.value, options, band_titles(cset)), output, files)


def compare(
    paths: ProfilesArg,
    criteria: CriteriaOpt = None,
    lens: LensOpt = None,
    fmt: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Projects side by side: scores, each criterion, and the facts that differ."""
    with handled():
        from riskscore.analysis.compare import compare as compare_profiles
        from riskscore.analysis.compare import render
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.commands.output import emit
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions

        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        result = compare_profiles(load_profiles(files, cset), cset, today())
        emit(
            render(result, fmt.value, RenderOptions(use_color(output), term_width())), output, files
        )
