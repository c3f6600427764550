"""A project's history: every committed version of its profile scored, with what changed.

A commit that changed only the country file the profile inherits from is a step too, when an
inherited fact changed: each version is read with the country files of its commit.

Each step is scored with one criteria set for all (today's) or with the set committed
beside it; consecutive steps are compared with analysis/change_diff, so a step's move is
split into criteria, facts and interaction exactly as `riskscore diff` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from riskscore.analysis.attribution import FactValue
from riskscore.analysis.change_diff import Side, diff_sides
from riskscore.analysis.criteria_diff import ProjectDiff
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Result
from riskscore.load.criteria.criteria_set import CriteriaSet


@dataclass(frozen=True)
class VersionInput:
    """One version to score: its commit (or `work tree`), date, subject, path at that commit,
    the file to read, the criteria set to score it with, and how to show temporary paths."""

    commit: str
    date: str | None
    subject: str
    path: str
    file: Path
    cset: CriteriaSet | None
    shown: Callable[[str], str] = str
    criteria_error: str | None = None
    """Why there is no criteria set for this version (e.g. none committed beside it)."""
    countries: Path | None = None
    """The country files as of this commit (None: the default, ./countries)."""
    country_only: bool = False
    """The commit changed country files, not the profile: kept only when the profile's
    inherited facts changed."""


class HistoryStep(Result):
    """One version: its score (0-100), band and coverage (percent), or why it did not load.

    `score_range` is (worst, best) on 0-100 with every unknown fact at its worst and best
    allowed value, as the scorecard's `score_range`.

    `change` compares it with the previous step that loaded (None for the first).
    `inherited` holds the facts the profile inherited from `country_file`
    (`countries/pk.yaml`) at this commit, by fact id.
    """

    commit: str
    date: str | None
    subject: str
    path: str
    criteria_version: str
    criteria_hash: str
    score: float | None = None
    band: str | None = None
    band_title: str | None = None
    coverage: float | None = None
    score_range: tuple[float, float] | None = None
    errors: list[str] = []
    change: ProjectDiff | None = None
    country_file: str | None = None
    inherited: dict[str, FactValue] = {}


class History(Result):
    """The series for one project, oldest first; `criteria` says which sets scored it."""

    project: str
    path: str
    criteria: str
    steps: list[HistoryStep]
    truncated: str | None = None
    """Why the oldest step may not be the first version (a shallow clone); None when whole."""


def history(
    versions: Sequence[VersionInput],
    path: str,
    criteria: str,
    today: str | None = None,
    truncated: str | None = None,
) -> History:
    """Score every version and compare each with the last one that loaded; `truncated` (why
    the history is cut off, e.g. a shallow clone) is carried to every output."""
    steps: list[HistoryStep] = []
    previous: Side | None = None
    project = Path(path).stem
    for v in versions:
        info = {
            "commit": v.commit,
            "date": v.date,
            "subject": v.subject,
            "path": v.path,
            "criteria_version": v.cset.header.version if v.cset else "",
            "criteria_hash": v.cset.hash if v.cset else "",
        }
        if v.cset is None:
            steps.append(HistoryStep(errors=[v.criteria_error or "no criteria"], **info))  # type: ignore[arg-type]
            continue
        side = Side(v.cset, {path: v.file}, profiles=v.commit, shown=v.shown, countries=v.countries)
        profile, errors = side.load(path, v.cset)
        if profile is None:
            steps.append(HistoryStep(errors=errors, **info))  # type: ignore[arg-type]
            continue
        card = evaluate(profile, v.cset, today)
        project = card.project
        change = None
        if previous is not None:
            (change,) = diff_sides(previous, side, today).projects
            if v.country_only and not change.facts:
                continue  # another country's file, or facts this profile does not inherit
        inherited: dict[str, FactValue] = {
            f.id: f.value for f in profile.facts.values() if f.origin
        }
        origins = {f.origin for f in profile.facts.values() if f.origin}
        steps.append(
            HistoryStep(
                score=card.score,
                band=card.band,
                band_title=card.band_title,
                coverage=card.coverage,
                score_range=card.score_range,
                change=change,
                country_file=min(origins) if origins else None,
                inherited=inherited,
                **info,  # type: ignore[arg-type]
            )
        )
        previous = side
    return History(project=project, path=path, criteria=criteria, steps=steps, truncated=truncated)
