"""`riskscore report`: one self-contained HTML page an analyst can forward or print."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    LensOpt,
    ProfilesArg,
    finite,
    group_by_option,
    handled,
    today,
    where_option,
)

if TYPE_CHECKING:
    from riskscore.analysis.history import History
    from riskscore.load.criteria.criteria_set import CriteriaSet

DEFAULT_SPREAD = 0.25
"""Weights vary by ±25% in the sensitivity section, as `riskscore sensitivity` does by default."""


def report(
    paths: ProfilesArg,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Required: write the page to FILE (atomically); `-` prints it to stdout.",
            show_default=False,
        ),
    ] = None,
    lens: LensOpt = None,
    criteria: CriteriaOpt = None,
    samples: Annotated[
        int,
        typer.Option("--samples", min=1, max=100_000, help="Re-weightings for the sensitivity."),
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the sensitivity.")] = 0,
    spread: Annotated[
        float,
        typer.Option(
            "--spread",
            callback=finite,
            min=0,
            help="Each weight is multiplied by a factor from [1-SPREAD, 1+SPREAD]; below 1.",
        ),
    ] = DEFAULT_SPREAD,
    uncertainty_samples: Annotated[
        int,
        typer.Option(
            "--uncertainty-samples",
            metavar="N",
            help="Add the uncertainty and Sobol sensitivity section with N base samples "
            "(a power of 2, e.g. 256); needs pip install 'riskscore[analysis]'. 0: leave it out.",
        ),
    ] = 0,
    history: Annotated[
        bool,
        typer.Option(
            "--history/--no-history",
            help="Add to each project a trend chart of its score at every committed version "
            "of its profile (git log --follow), scored with this report's criteria. A profile "
            "outside git gets no chart; one with a single version gets a line saying so.",
        ),
    ] = False,
    where: Annotated[list[str] | None, where_option("Report")] = None,
    group_by: Annotated[str | None, group_by_option("Rank the summary per")] = None,
) -> None:
    """Write an HTML report: ranking, scorecards, roadmaps and weight sensitivity."""
    with handled():
        if output is None:  # checked here, not by click, so the message is the same everywhere
            from riskscore.errors import UsageError

            raise UsageError(
                "report writes a whole HTML page: give --output FILE, or -o - for stdout"
            )
        if uncertainty_samples:
            _require_analysis_extra(uncertainty_samples)
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.analysis.views import check_group_key, parse_where_in
        from riskscore.commands.output import emit
        from riskscore.commands.progress import stages
        from riskscore.load.discovery import discover_profiles
        from riskscore.render.html_report import ReportSettings, render_report

        group = check_group_key(group_by)
        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        keep = parse_where_in(where or [], cset)
        profiles = load_profiles(files, cset)
        settings = ReportSettings(
            tuple(str(f) for f in files),
            today(),
            samples,
            seed,
            spread,
            uncertainty_samples,
            history,
            keep.describe(),
            group,
        )
        target = None if output == "-" else Path(output)
        with stages("Writing the report") as step:
            histories = None
            if history:
                step(f"reading the git history of {len(files)} profile(s)")
                histories = [_history(f, cset, criteria, lens) for f in files]
            page = render_report(profiles, cset, settings, histories, keep or None, step)
        emit(page, target, files)


REPORT_INSTALL_HINT = (
    "report --uncertainty-samples needs numpy and SALib, which are optional: "
    "pip install 'riskscore[analysis]'"
)


def _require_analysis_extra(samples: int) -> None:
    """Before any work: N must be a power of 2 and the analysis extra installed, else one
    line (UsageError, exit 2) naming the install command, as `riskscore sensitivity` does."""
    from riskscore.analysis.uncertainty import check_samples, require_extra
    from riskscore.errors import UsageError

    try:
        require_extra()
    except UsageError:
        raise UsageError(REPORT_INSTALL_HINT) from None
    check_samples(samples, 100)


def _history(
    profile: Path, cset: CriteriaSet, criteria: Path | None, lens: str | None
) -> History | None:
    """The profile's versions scored with the report's criteria set; None when git has none
    (not a repository, git missing, the file never committed): the page then has no chart."""
    from riskscore.commands.history import project_history
    from riskscore.errors import UsageError

    try:
        return project_history(profile, cset, criteria or Path("criteria"), lens, today())
    except UsageError:
        return None
