"""`riskscore history`: every committed version of one profile, scored, with what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
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
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TextFormat.table
    ),
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
    from riskscore.load.githistory import WORK_TREE, file_versions
    from riskscore.load.gitref import load_criteria_at_ref

    with file_versions(profile) as found:
        inputs = []
        for v in found.versions:
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
            tmp = str(v.file.parent)
            label = f"{v.short}:{v.name}"

            def shown(text: str, tmp: str = tmp, label: str = label) -> str:
                return text.replace(f"{tmp}/{Path(label).name}", label)

            inputs.append(
                VersionInput(v.short, v.date, v.subject, v.name, v.file, cset, shown, problem)
            )
        label = "today's criteria" if fixed is not None else "the criteria of each commit"
        return build(inputs, profile.as_posix(), label, when, found.truncated)
