"""`riskscore history`: every committed version of one profile, scored, with what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
        from riskscore.analysis.history import VersionInput
        from riskscore.analysis.history import history as build
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.commands.output import emit
        from riskscore.errors import RiskscoreError
        from riskscore.load.criteria.criteria_set import CriteriaSet
        from riskscore.load.githistory import WORK_TREE, file_versions
        from riskscore.load.gitref import load_criteria_at_ref
        from riskscore.render import RenderOptions
        from riskscore.render.history import render_history

        fixed = None if at_commit else open_criteria(criteria, lens)
        crit_dir = criteria or Path("criteria")
        with file_versions(profile) as versions:
            inputs = []
            for v in versions:
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
            result = build(
                inputs,
                profile.as_posix(),
                "the criteria of each commit" if at_commit else "today's criteria",
                today(),
            )
        options = RenderOptions(use_color(output), term_width())
        emit(render_history(result, fmt.value, options), output, inputs=[profile])
