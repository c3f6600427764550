"""`riskscore whatif | sensitivity | compare`: analyst workflows, thin over riskscore.analysis.

app.py registers these functions; heavy modules are imported inside each body
so `riskscore --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    FormatOpt,
    LensOpt,
    OutputOpt,
    ProfilesArg,
    TextFormat,
    handled,
    term_width,
    today,
    use_color,
)

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet


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
            from riskscore.analysis.roadmap import build_roadmap
            from riskscore.render import roadmap as rm

            result = build_roadmap(loaded, cset, today(), 10 if steps is None else steps)
            text = rm.render(result, fmt.value, options, band_titles(cset))
        else:
            from riskscore.analysis import whatif as wi
            from riskscore.render.whatif import render

            changes = wi.parse_assignments(assign or [], cset)
            text = render(wi.what_if(loaded, cset, changes, today()), fmt.value, options)
        emit(text, output, inputs=files)


def sensitivity(
    paths: ProfilesArg,
    samples: Annotated[
        int,
        typer.Option(
            "--samples", "-n", help="Base samples N, a power of 2; model runs: N × (groups + 2)."
        ),
    ] = 1024,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same output).")] = 0,
    resamples: Annotated[
        int, typer.Option("--resamples", help="Bootstrap resamples for the 95% intervals.")
    ] = 100,
    uncertainty: Annotated[
        Path | None,
        typer.Option(
            "--uncertainty",
            metavar="FILE",
            help="YAML shaped like the set's `uncertainty:` section; the groups it states "
            "replace the set's (and the lens's).",
        ),
    ] = None,
    criteria: CriteriaOpt = None,
    lens: LensOpt = None,
    fmt: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Uncertainty and Sobol sensitivity analysis of scores, bands and ranks (OECD/JRC).

    Varies the choices declared in the set's `uncertainty:` section (weights, pillar
    aggregation, assumed facts, band cut-offs; unknown facts stay unknown unless it says
    `draw: documented`). Needs the optional extra: pip install 'riskscore[analysis]'.
    """
    with handled():
        from riskscore.analysis.uncertainty import require_extra

        require_extra()
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.analysis.uncertainty import check_samples
        from riskscore.analysis.uncertainty.run import run_uncertainty
        from riskscore.commands.output import emit
        from riskscore.commands.progress import stages
        from riskscore.load.criteria.loader import load_uncertainty
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions
        from riskscore.render.uncertainty_table import render

        check_samples(samples, resamples)
        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        spec = cset.header.uncertainty
        inputs = files
        if uncertainty is not None:
            spec = load_uncertainty(uncertainty, spec)
            inputs = [*files, uncertainty]
        profiles = load_profiles(files, cset)
        with stages("Sensitivity") as step:
            n = len(profiles)
            plural = "s" if n != 1 else ""
            step(f"{samples} base samples over {n} profile{plural}, {resamples} resamples")
            result = run_uncertainty(profiles, cset, spec, samples, seed, resamples)
        text = render(result, fmt.value, RenderOptions(use_color(output), term_width()))
        emit(text, output, inputs)


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
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.commands.output import emit
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import RenderOptions
        from riskscore.render.compare import render

        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        result = compare_profiles(load_profiles(files, cset), cset, today())
        emit(
            render(result, fmt.value, RenderOptions(use_color(output), term_width())), output, files
        )
