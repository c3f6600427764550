"""Scorecards at the base against scorecards at the head: base criteria on base profiles,
head criteria on head profiles, each move attributed to the criteria, the facts and both.
Each side's profiles inherit from that side's country files, so a country fact's change is a
fact change of every profile that inherits it.

Built on load_profile() and evaluate(); the sides say which files to read (the work tree, a
directory, or temporary copies of a git ref's files) and this module never reads git itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from riskscore.analysis.attribution import (
    Attribution,
    FactChange,
    attribute,
    criteria_only,
    fact_changes,
    inseparable,
)
from riskscore.analysis.country_facts import country_changes
from riskscore.analysis.criteria_diff import (
    CriteriaDiff,
    ProjectDiff,
    ProjectStatus,
    criterion_moves,
    set_changes,
    side_info,
)
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Scorecard
from riskscore.errors import RiskscoreError, problems_of
from riskscore.load.countries import Country, default_countries_dir, load_countries
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from riskscore.load.profile_models import Profile


def _same_text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a criteria set and the profiles to score with it.

    `files` maps the path shown to users (`projects/x.yaml`, the key that pairs the two
    sides) to the file to read; `shown` rewrites temporary paths in error messages;
    `profiles` names where the profiles came from (`work tree`, `HEAD`, a directory);
    `countries` is the folder of country files the profiles inherit from on this side (a
    copy of a git ref's `countries/`; None: the default, ./countries).
    """

    cset: CriteriaSet
    files: dict[str, Path]
    profiles: str = "work tree"
    shown: Callable[[str], str] = _same_text
    countries: Path | None = None
    _loaded: dict[tuple[str, str], tuple[Profile | None, list[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def load(self, key: str, cset: CriteriaSet) -> tuple[Profile | None, list[str]]:
        """The profile at `key` checked against `cset` (either side's), or its error lines."""
        memo = (key, cset.hash + (cset.lens or ""))
        if memo not in self._loaded:
            try:
                profile = load_profile(self.files[key], cset, self.countries)
                self._loaded[memo] = (profile, [])
            except RiskscoreError as exc:
                self._loaded[memo] = (None, [self.shown(str(e)) for e in problems_of(exc)])
        return self._loaded[memo]

    def country_files(self) -> dict[str, Country]:
        """This side's country files (load_countries); empty when they do not load (the
        profiles that inherit from them then carry the error)."""
        try:
            return load_countries((self.countries or default_countries_dir()).resolve())
        except RiskscoreError:
            return {}


def diff_sides(old: Side, new: Side, today: str | None = None) -> CriteriaDiff:
    """Score each side's profiles with its own criteria and explain every move.

    Profiles pair by path; a path on one side only pairs with one on the other side
    holding the same project name (a rename); the rest are added or removed.
    """
    pairs = _pairs(old, new)
    projects = [_project(old, new, o, n, status, today) for o, n, status in pairs]
    moved = sum(p.moved for p in projects)
    changed = sum(
        any(f.country_file is None for f in p.facts) or p.status != "compared" for p in projects
    )
    troubled = any(p.old_errors or p.new_errors for p in projects)
    changes = set_changes(old.cset, new.cset)
    countries = [
        c.model_copy(
            update={
                "projects": [
                    p.path for p in projects if any(f.country_file == c.file for f in p.facts)
                ]
            }
        )
        for c in country_changes(old.country_files(), new.country_files())
    ]
    return CriteriaDiff(
        old=side_info(old.cset, old.profiles),
        new=side_info(new.cset, new.profiles),
        changes=changes,
        projects=projects,
        moved=moved,
        profiles_changed=changed,
        countries=countries,
        empty=changes.empty and not moved and not changed and not troubled and not countries,
    )


def _pairs(old: Side, new: Side) -> list[tuple[str | None, str | None, ProjectStatus]]:
    pairs: list[tuple[str | None, str | None, ProjectStatus]] = [
        (k, k, "compared") for k in new.files if k in old.files
    ]
    only_old = [k for k in old.files if k not in new.files]
    only_new = [k for k in new.files if k not in old.files]
    old_names = {k: _name(old, k) for k in only_old}
    for key in list(only_new):
        name = _name(new, key)
        twins = [k for k, n in old_names.items() if n is not None and n == name]
        if name is not None and len(twins) == 1:
            pairs.append((twins[0], key, "renamed"))
            only_new.remove(key)
            only_old.remove(twins[0])
            del old_names[twins[0]]
    pairs += [(None, k, "added") for k in only_new]
    pairs += [(k, None, "removed") for k in only_old]
    order = {k: i for i, k in enumerate(new.files)}
    return sorted(pairs, key=lambda p: (order.get(p[1] or "", len(order)), p[0] or ""))


def _name(side: Side, key: str) -> str | None:
    profile, _ = side.load(key, side.cset)
    return profile.project.name if profile else None


def _card(profile: Profile, cset: CriteriaSet, today: str | None) -> Scorecard:
    return evaluate(profile, cset, today)


def _project(
    old: Side,
    new: Side,
    old_key: str | None,
    new_key: str | None,
    status: ProjectStatus,
    today: str | None,
) -> ProjectDiff:
    before_p, old_errors = old.load(old_key, old.cset) if old_key else (None, [])
    after_p, new_errors = new.load(new_key, new.cset) if new_key else (None, [])
    before = _card(before_p, old.cset, today) if before_p else None
    after = _card(after_p, new.cset, today) if after_p else None
    path = new_key or old_key or ""
    either = after or before
    common = {
        "path": path,
        "old_path": old_key if old_key != new_key else None,
        "status": status,
        "project": either.project if either else Path(path).stem,
        "old_errors": old_errors,
        "new_errors": new_errors,
    }
    if before is None or after is None or before_p is None or after_p is None:
        return ProjectDiff(
            old_score=before.score if before else None,
            new_score=after.score if after else None,
            old_band=before.band if before else None,
            new_band=after.band if after else None,
            **common,  # type: ignore[arg-type]
        )
    assert old_key is not None and new_key is not None
    facts = fact_changes(before_p, after_p)
    moving = {f.id for f in facts if f.kind != "resourced"}
    delta = round(after.score - before.score, 2)
    attribution = _attribution(old, new, old_key, new_key, before, after, moving, today)
    old_flags = {f.criterion for f in before.flags}
    new_flags = {f.criterion for f in after.flags}
    gained = [c.criterion for c in after.flags if c.criterion not in old_flags]
    lost = [c.criterion for c in before.flags if c.criterion not in new_flags]
    band_changed = before.band != after.band
    return ProjectDiff(
        old_score=before.score,
        new_score=after.score,
        delta=delta,
        old_band=before.band,
        new_band=after.band,
        band_changed=band_changed,
        flags_gained=gained,
        flags_lost=lost,
        moved=bool(delta or band_changed or gained or lost),
        criteria=criterion_moves(before, after, old.cset, new.cset, moving),
        facts=facts,
        attribution=attribution,
        **common,  # type: ignore[arg-type]
    )


def _attribution(
    old: Side,
    new: Side,
    old_key: str,
    new_key: str,
    before: Scorecard,
    after: Scorecard,
    moving: set[str],
    today: str | None,
) -> Attribution:
    """The four scores S(C, F) of the 2x2 design; two are the sides' own scorecards."""
    if not moving:
        return criteria_only(after.score - before.score)
    old_facts_new_set, errors_a = old.load(old_key, new.cset)
    new_facts_old_set, errors_b = new.load(new_key, old.cset)
    if old_facts_new_set is None or new_facts_old_set is None:
        why = (errors_a or errors_b or ["a cross evaluation failed"])[0]
        side = "old facts against the new" if errors_a else "new facts against the old"
        return inseparable(f"the move cannot be split: the {side} criteria do not load ({why})")
    b = _card(old_facts_new_set, new.cset, today).score
    c = _card(new_facts_old_set, old.cset, today).score
    return attribute(before.score, b, c, after.score)


def same_profiles(
    cset_old: CriteriaSet, cset_new: CriteriaSet, files: list[Path]
) -> tuple[Side, Side]:
    """Both sides reading the same files: a pure criteria comparison."""
    keys = {str(p): p for p in files}
    return Side(cset_old, keys), Side(cset_new, keys)


__all__ = ["FactChange", "Side", "diff_sides", "same_profiles"]
