"""`riskscore history`: every committed version of one profile, scored, with what changed."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    FormatOpt,
    LensOpt,
    OutputOpt,
    TextFormat,
    handled,
    term_width,
    today,
    use_color,
)

if TYPE_CHECKING:
    from riskscore.analysis.history import History
    from riskscore.load.criteria.criteria_set import CriteriaSet
    from riskscore.load.githistory import Version


def history(
    profile: Annotated[Path, typer.Argument(help="A profile file tracked by git.")],
    criteria: CriteriaOpt = None,
    at_commit: Annotated[
        bool,
        typer.Option(
            "--criteria-at-commit",
            help="Score each version with the criteria committed with it (--criteria names "
            "the directory, default criteria), not with today's.",
        ),
    ] = False,
    lens: LensOpt = None,
    fmt: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Score every committed version of a profile (git log --follow) and show each step."""
    with handled():
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit
        from riskscore.render import RenderOptions
        from riskscore.render.history import render_history

        fixed = None if at_commit else open_criteria(criteria, lens)
        result = project_history(profile, fixed, criteria or Path("criteria"), lens, today())
        options = RenderOptions(use_color(output), term_width())
        emit(render_history(result, fmt.value, options), output, inputs=[profile])


def project_history(
    profile: Path,
    fixed: CriteriaSet | None,
    crit_dir: Path,
    lens: str | None,
    when: str | None,
) -> History:
    """Every version of `profile` (oldest first, uncommitted edits last) scored with `fixed`,
    or, when `fixed` is None, with the criteria committed in `crit_dir` beside each version.

    Shared by `riskscore history` and `riskscore report --history`. Raises UsageError when
    the profile is not in a git repository or was never committed; a version that does not
    load becomes a step with its errors.
    """
    from riskscore.analysis.history import VersionInput
    from riskscore.analysis.history import history as build
    from riskscore.analysis.pipeline import open_criteria
    from riskscore.errors import RiskscoreError
    from riskscore.load.gitcountries import countries_at, countries_rel
    from riskscore.load.githistory import WORK_TREE, file_versions
    from riskscore.load.gitref import load_criteria_at_ref, resolve_commit

    with file_versions(profile) as found, ExitStack() as stack:
        _, top = resolve_commit("HEAD", profile.resolve().parent)
        rel = countries_rel(top)
        inputs = []
        for v, country_only in _with_country_commits(found.versions, top, rel):
            cset: CriteriaSet | None = fixed
            problem = None
            if cset is None:
                try:
                    if v.commit == WORK_TREE:
                        cset = open_criteria(crit_dir, lens)
                    else:
                        cset = load_criteria_at_ref(v.commit, crit_dir).with_lens(lens)
                except RiskscoreError as exc:
                    problem = f"no criteria set at {v.short}: {exc}".replace("--base: ", "")
            countries = None
            if v.commit != WORK_TREE:
                countries = stack.enter_context(countries_at(v.commit, top, rel, v.short))
            tmp = str(v.file.parent)
            label = f"{v.short}:{v.name}"

            def shown(text: str, tmp: str = tmp, label: str = label) -> str:
                return text.replace(f"{tmp}/{Path(label).name}", label)

            inputs.append(
                VersionInput(
                    v.short,
                    v.date,
                    v.subject,
                    v.name,
                    v.file,
                    cset,
                    shown,
                    problem,
                    countries,
                    country_only,
                )
            )
        label = "today's criteria" if fixed is not None else "the criteria of each commit"
        return build(inputs, profile.as_posix(), label, when, found.truncated)


def _with_country_commits(
    versions: list[Version], top: Path, rel: str | None
) -> list[tuple[Version, bool]]:
    """The profile's versions with, between them, the commits that changed country files
    (each paired with the profile version current at that commit, flagged True).

    One `git log` over the profile's paths and countries/ orders both; when that order misses
    one of the profile's versions (an unusual history), the versions are returned alone.
    """
    from dataclasses import replace

    from riskscore.load.gitcountries import commits_touching
    from riskscore.load.githistory import WORK_TREE

    committed = [v for v in versions if v.commit != WORK_TREE]
    plain = [(v, False) for v in versions]
    if rel is None or not committed:
        return plain
    names = sorted({v.name for v in committed})
    order = commits_touching(top, [*names, rel], committed[0].commit)
    by_commit = {v.commit: v for v in committed}
    if not {v.commit for v in committed[1:]} <= {c for c, _, _ in order}:
        return plain
    out = [(committed[0], False)]
    for commit, date, subject in order:
        if commit in by_commit:
            out.append((by_commit[commit], False))
        else:
            current = out[-1][0]
            out.append((replace(current, commit=commit, date=date, subject=subject), True))
    out += [(v, False) for v in versions if v.commit == WORK_TREE]
    return out
