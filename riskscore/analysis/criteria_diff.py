"""The diff's result models, the set-level changes, per-criterion moves and the CI gates.

Which scores, bands and flags move between two criteria sets (and, with analysis/change_diff,
two versions of the profiles), and why. Nothing here reads files or prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from riskscore.analysis.attribution import Attribution, FactChange
from riskscore.analysis.country_facts import CountryChange
from riskscore.engine.scorecard import CriterionResult, Result, Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Criterion

Kind = Literal["added", "removed", "reweighted", "rescored", "moved_pillar", "evidence"]
ProjectStatus = Literal["compared", "added", "removed", "renamed"]
POINTS_EPS = 5e-4
"""Points are rounded to 3 decimals in a scorecard; smaller differences are rounding noise."""

_SHOWN = frozenset({"weight", "pillar", "min", "max", "pillar_min", "score", "policy", "type"})
"""Fields whose old and new values fit on one line; other fields are reported as 'changed'."""


class Change(Result):
    """One item of a criteria set (criterion, pillar, band, fact, lens) that differs."""

    id: str
    kind: Literal["added", "removed", "changed"]
    details: list[str] = []
    origin: str | None = None
    """Which set of an `extends:` chain the item comes from (the new side's, or the old's
    when removed); None when neither side extends another set."""


class SetChanges(Result):
    """What differs between the two sets themselves, before any profile is scored."""

    criteria: list[Change]
    pillars: list[Change]
    bands: list[Change]
    facts: list[Change]
    lenses: list[Change]
    unknown_policy: list[str]
    version_warning: str | None = None

    @property
    def empty(self) -> bool:
        lists = (self.criteria, self.pillars, self.bands, self.facts, self.lenses)
        return not any(lists) and not self.unknown_policy


class SideInfo(Result):
    """Where one side of the comparison came from and which methodology it is."""

    label: str
    name: str
    version: str
    hash: str
    lens: str | None = None
    profiles: str | None = None
    """Where this side's profiles were read: `work tree`, a git ref, a directory."""
    band_titles: dict[str, str] = {}
    """Band id -> title in this side's set: what people read (`Weak`, not `weak`)."""


class CriterionMove(Result):
    """A criterion whose points for one project changed, or whose definition moved it."""

    id: str
    title: str
    kinds: list[Kind]
    reason: str
    definition_changed: bool
    old_points: float | None
    new_points: float | None
    points_delta: float


class ProjectDiff(Result):
    """One project at both sides; errors name the side that could not load it.

    `status`: `compared` (same path), `renamed` (`old_path` held the same project),
    `added` or `removed` (one side only; scores of the other side are None). `facts` lists
    the changed facts, `attribution` splits `delta` into criteria, facts and interaction.
    """

    path: str
    old_path: str | None = None
    status: ProjectStatus = "compared"
    project: str
    old_score: float | None
    new_score: float | None
    delta: float | None = None
    old_band: str | None
    new_band: str | None
    band_changed: bool = False
    flags_gained: list[str] = []
    flags_lost: list[str] = []
    moved: bool = False
    criteria: list[CriterionMove] = []
    facts: list[FactChange] = []
    attribution: Attribution | None = None
    old_errors: list[str] = []
    new_errors: list[str] = []


class CriteriaDiff(Result):
    """The whole comparison: set-level changes and every project's movement."""

    old: SideInfo
    new: SideInfo
    changes: SetChanges
    projects: list[ProjectDiff]
    moved: int
    profiles_changed: int = 0
    """Projects whose own facts changed, or added, removed or renamed."""
    countries: list[CountryChange] = []
    """Country files whose facts changed (each naming the profiles it moved)."""
    empty: bool


def diff_criteria(
    old: CriteriaSet, new: CriteriaSet, paths: Iterable[Path], today: str | None = None
) -> CriteriaDiff:
    """Score the same profiles against both sets and explain each move criterion by criterion."""
    from riskscore.analysis.change_diff import diff_sides, same_profiles

    return diff_sides(*same_profiles(old, new, list(paths)), today=today)


def version_warning(old: CriteriaSet, new: CriteriaSet) -> str | None:
    """A warning when the criteria content changed but set.yaml's version did not."""
    if old.hash == new.hash or old.header.version != new.header.version:
        return None
    return (
        f"the criteria content changed ({old.hash[:19]} -> {new.hash[:19]}) but the set "
        f"version is still {new.header.version}; bump `version` in set.yaml"
    )


def gate_failures(
    diff: CriteriaDiff, max_delta: float | None, on_band: bool, on_facts: bool = False
) -> list[str]:
    """One line per tripped gate and project.

    --max-delta: |delta| > N points; --fail-on-band-change: the band differs;
    --fail-on-fact-change: a fact's value changed and the facts' share of the move is not
    zero (or cannot be computed), i.e. evidence alone moved the score.
    """
    lines: list[str] = []
    for p in diff.projects:
        if on_facts and any(f.kind != "resourced" for f in p.facts):
            share = p.attribution.facts_share if p.attribution else None
            if share is None or share != 0:
                shown = "an unknown share" if share is None else f"{share:+.3g} points"
                names = ", ".join(
                    f"country fact {f.id} ({f.country_file})" if f.country_file else f.id
                    for f in p.facts
                    if f.kind != "resourced"
                )
                lines.append(f"{p.path}: {p.project} moves by {shown} from fact changes ({names})")
        if max_delta is not None and p.delta is not None and abs(p.delta) > max_delta:
            lines.append(
                f"{p.path}: {p.project} moves {p.delta:+.2f}, beyond --max-delta {max_delta:g}"
            )
        if on_band and p.band_changed:
            lines.append(f"{p.path}: {p.project} changes band {p.old_band} -> {p.new_band}")
    return lines


def set_changes(old: CriteriaSet, new: CriteriaSet) -> SetChanges:
    """Criteria, pillars, bands, facts and lenses added, removed or changed."""
    old_h, new_h = old.header, new.header
    return SetChanges(
        criteria=_with_origins(
            _compare(_by_id(old.criteria), _by_id(new.criteria)), old.origins, new.origins
        ),
        pillars=_compare(_by_id(old_h.pillars), _by_id(new_h.pillars)),
        bands=_compare(_by_id(old_h.bands), _by_id(new_h.bands)),
        facts=_with_origins(
            _compare(_by_id(old_h.facts), _by_id(new_h.facts)),
            old.fact_origins,
            new.fact_origins,
        ),
        lenses=_compare(old.lenses, new.lenses),
        unknown_policy=_details(old_h.unknown, new_h.unknown),
        version_warning=version_warning(old, new),
    )


def _with_origins(
    changes: list[Change], old: Mapping[str, str], new: Mapping[str, str]
) -> list[Change]:
    """Each change with where its item comes from in an `extends:` chain, when known."""
    return [
        ch.model_copy(update={"origin": new.get(ch.id) or old.get(ch.id)})
        if (new.get(ch.id) or old.get(ch.id))
        else ch
        for ch in changes
    ]


def _by_id(items: Iterable[BaseModel]) -> dict[str, BaseModel]:
    return {getattr(item, "id"): item for item in items}  # noqa: B009 (models differ in type)


def _compare(old: Mapping[str, BaseModel], new: Mapping[str, BaseModel]) -> list[Change]:
    """Added and changed items in the new set's order, then removed ones in the old set's."""
    out: list[Change] = []
    for key, item in new.items():
        if key not in old:
            out.append(Change(id=key, kind="added"))
        elif old[key] != item:
            out.append(Change(id=key, kind="changed", details=_details(old[key], item)))
    return out + [Change(id=key, kind="removed") for key in old if key not in new]


def _details(old: BaseModel, new: BaseModel) -> list[str]:
    """'weight 3 -> 5' for short fields, 'rule changed' for structured or prose ones."""
    out: list[str] = []
    for name in type(old).model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        name_shown = name.rstrip("_")
        if name in _SHOWN:
            out.append(f"{name_shown} {_value(before)} -> {_value(after)}")
        else:
            out.append(f"{name_shown} changed")
    return out


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def side_info(cset: CriteriaSet, profiles: str | None = None) -> SideInfo:
    """Where a side's criteria and profiles came from, and which methodology it is."""
    head = cset.header
    return SideInfo(
        label=cset.root,
        name=head.name,
        version=head.version,
        hash=cset.hash,
        lens=cset.lens,
        profiles=profiles,
        band_titles={b.id: b.title for b in head.bands},
    )


_SCORING_FIELDS = ("pillar", "weight", "rule", "not_applicable_when", "gate")
"""Criterion fields that can move a score or a band; prose changes cannot."""


def criterion_moves(
    before: Scorecard,
    after: Scorecard,
    old: CriteriaSet,
    new: CriteriaSet,
    changed_facts: set[str] | frozenset[str] = frozenset(),
) -> list[CriterionMove]:
    """Every criterion whose points or outcome changed for this project, causes first.

    `changed_facts` are the facts whose value differs between the two profiles: a criterion
    reading one of them is marked `evidence` when its outcome changed.
    """
    old_defs = {c.id: c for c in old.criteria}
    new_defs = {c.id: c for c in new.criteria}
    old_res = {r.id: r for r in before.criteria}
    new_res = {r.id: r for r in after.criteria}
    flags = (
        {f.criterion: f.cap for f in before.flags},
        {f.criterion: f.cap for f in after.flags},
    )
    pillar_weights = (
        {p.id: p.weight for p in old.header.pillars},
        {p.id: p.weight for p in new.header.pillars},
    )
    moves: list[CriterionMove] = []
    for cid in [*new_res, *(c for c in old_res if c not in new_res)]:
        o, n = old_res.get(cid), new_res.get(cid)
        if o is None or n is None:
            moves.append(_added_or_removed(o, n))
            continue
        move = _move(o, n, old_defs[cid], new_defs[cid], flags, pillar_weights, changed_facts)
        if move is not None:
            moves.append(move)
    moves.sort(key=lambda m: (not m.definition_changed, -abs(m.points_delta), m.id))
    return moves


def _added_or_removed(o: CriterionResult | None, n: CriterionResult | None) -> CriterionMove:
    if n is not None:
        return CriterionMove(
            id=n.id,
            title=n.title,
            kinds=["added"],
            reason=f"new criterion, {_worth(n)}",
            definition_changed=True,
            old_points=None,
            new_points=n.points,
            points_delta=n.points,
        )
    assert o is not None
    return CriterionMove(
        id=o.id,
        title=o.title,
        kinds=["removed"],
        reason=f"criterion removed, was {_worth(o)}",
        definition_changed=True,
        old_points=o.points,
        new_points=None,
        points_delta=-o.points,
    )


def _move(
    o: CriterionResult,
    n: CriterionResult,
    oc: Criterion,
    nc: Criterion,
    flags: tuple[dict[str, str], dict[str, str]],
    pillar_weights: tuple[dict[str, float], dict[str, float]],
    changed_facts: set[str] | frozenset[str] = frozenset(),
) -> CriterionMove | None:
    kinds: list[Kind] = []
    reasons: list[str] = []
    cap_before, cap_after = flags[0].get(o.id), flags[1].get(n.id)
    outcome = o.score != n.score or o.status != n.status or cap_before != cap_after
    read = [f.id for f in n.facts if f.id in changed_facts]
    read += [f.id for f in o.facts if f.id in changed_facts and f.id not in read]
    if read and outcome:
        kinds.append("evidence")
        reasons.append(("facts " if len(read) > 1 else "fact ") + ", ".join(read) + " changed")
    if oc.pillar != nc.pillar:
        kinds.append("moved_pillar")
        reasons.append(f"pillar {oc.pillar} -> {nc.pillar}")
    if oc.weight != nc.weight:
        kinds.append("reweighted")
        reasons.append(f"weight {oc.weight:g} -> {nc.weight:g}")
    if o.score != n.score:
        reasons.append(f"score {_score(o)} -> {_score(n)}")
    elif o.status != n.status:
        reasons.append(f"status {o.status} -> {n.status}")
    if cap_before != cap_after:
        if cap_before is None:
            reasons.append(f"red flag now trips (caps at {cap_after})")
        elif cap_after is None:
            reasons.append("red flag no longer trips")
        else:
            reasons.append(f"red flag cap {cap_before} -> {cap_after}")
    definition_changed = any(getattr(oc, f) != getattr(nc, f) for f in _SCORING_FIELDS)
    rule_changed = any(getattr(oc, f) != getattr(nc, f) for f in _SCORING_FIELDS[2:])
    if outcome and (rule_changed or not read):
        kinds.append("rescored")
    delta = round(n.points - o.points, 3)
    if not kinds and abs(delta) < POINTS_EPS:
        return None
    if not kinds:
        before_w, after_w = pillar_weights[0].get(n.pillar), pillar_weights[1].get(n.pillar)
        cause = (
            f"pillar {n.pillar} weight {before_w:g} -> {after_w:g}"
            if before_w is not None and after_w is not None and before_w != after_w
            else "other criteria changed"
        )
        reasons.append(f"possible points {o.max_points:.2f} -> {n.max_points:.2f} ({cause})")
    return CriterionMove(
        id=n.id,
        title=n.title,
        kinds=kinds,
        reason="; ".join(reasons),
        definition_changed=definition_changed,
        old_points=o.points,
        new_points=n.points,
        points_delta=delta,
    )


def _score(result: CriterionResult) -> str:
    if result.status == "not_applicable":
        return "n/a"
    return "excluded" if result.score is None else f"{result.score:.2f}"


def _worth(result: CriterionResult) -> str:
    if result.status == "not_applicable":
        return "not applicable here"
    return f"{result.points:.2f} points"
