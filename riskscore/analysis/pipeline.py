"""Load → evaluate → Report: the one path every command takes to scorecards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from riskscore import __version__
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Report, Scorecard, criterion_definitions, set_info
from riskscore.errors import ErrorGroup, RiskscoreError, problems_of
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import default_criteria_dir, load_criteria
from riskscore.load.profile import load_profile
from riskscore.load.profile_models import Profile


def open_criteria(folder: Path | None, lens: str | None = None) -> CriteriaSet:
    """The criteria set from --criteria (or the default), with an optional lens applied."""
    return load_criteria(folder or default_criteria_dir()).with_lens(lens)


T = TypeVar("T")


def load_each(paths: Iterable[Path], load: Callable[[Path], T]) -> list[T]:
    """`load(path)` for every path, in order; when any raises a RiskscoreError, every file is
    still read and one ErrorGroup names every problem of every file (exit 2), in file order."""
    loaded: list[T] = []
    errors: list[RiskscoreError] = []
    for path in paths:
        try:
            loaded.append(load(path))
        except RiskscoreError as exc:
            errors.extend(problems_of(exc))
    if errors:
        raise ErrorGroup(errors)
    return loaded


def load_profiles(paths: list[Path], cset: CriteriaSet) -> list[Profile]:
    """Every profile, or an ErrorGroup naming every problem in every file (load_each)."""
    return load_each(paths, lambda path: load_profile(path, cset))


def make_report(cards: list[Scorecard], cset: CriteriaSet) -> Report:
    return Report(
        riskscore_version=__version__,
        criteria_set=set_info(cset),
        criteria=criterion_definitions(cset),
        scorecards=cards,
    )


def scorecard(profile: Profile, cset: CriteriaSet, today: str | None = None) -> Scorecard:
    """evaluate()'s scorecard as every command prints it: its improvements in the roadmap's
    order (binding red flags and floors first; analysis.roadmap.with_first_steps)."""
    from riskscore.analysis.roadmap import with_first_steps

    return with_first_steps(evaluate(profile, cset, today), profile, cset)


def evaluate_paths(
    paths: list[Path], cset: CriteriaSet, today: str | None = None, waivers: bool = True
) -> Report:
    """Scorecards for the given profile files, in the order given.

    `waivers=False` is the audit view: every waiver is ignored.
    """
    profiles = load_profiles(paths, cset)
    if not waivers:
        profiles = [replace(p, waivers=()) for p in profiles]
    return make_report([scorecard(p, cset, today) for p in profiles], cset)
