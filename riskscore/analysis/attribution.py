"""Why a project's score moved between two commits: the criteria, the facts, or both.

Two changes move a score at once: the criteria set (C0 -> C1) and the profile's facts
(F0 -> F1). With S(C, F) the score, the move S(C1, F1) - S(C0, F0) splits exactly into

    criteria    = S(C1, F0) - S(C0, F0)    the criteria change alone, on the old facts
    facts       = S(C0, F1) - S(C0, F0)    the fact changes alone, under the old criteria
    interaction = S(C1, F1) - S(C1, F0) - S(C0, F1) + S(C0, F0)

and the Shapley value of the two-player game (the average of the two orders of applying
the changes) gives each cause half of the interaction:

    criteria_share = criteria + interaction / 2,   facts_share = facts + interaction / 2.

This is the two-factor case of the decomposition used for index changes (Shapley 1953;
Shorrocks 2013, "Decomposition procedures for distributional analysis"); the four scores
are printed to 2 decimals, so the parts are exact sums of printed figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from riskscore.engine.scorecard import Result
from riskscore.load.profile_models import Profile

FactValue = str | bool | int | float | None


class FactChange(Result):
    """One fact whose value (or only its citation) differs between the two profiles.

    `kind`: `added` (unknown before), `removed` (unknown now), `changed` (another value),
    `resourced` (same value, other sources or another origin; it cannot move a score).
    Sources read `key: title` as the profile cites them. `old_origin`/`new_origin` name the
    country file a side inherited the fact from (`countries/pk.yaml`), None where the profile
    states it (or the side does not know it).
    """

    id: str
    kind: Literal["added", "removed", "changed", "resourced"]
    old: FactValue = None
    new: FactValue = None
    old_sources: list[str] = []
    new_sources: list[str] = []
    old_origin: str | None = None
    new_origin: str | None = None

    @property
    def country_file(self) -> str | None:
        """The country file this change comes from, when neither side is the profile's own
        statement (a country fact whose value or sources changed, or that appeared or went)."""
        if self.kind == "added":
            return self.new_origin
        if self.kind == "removed":
            return self.old_origin
        if self.old_origin and self.new_origin:
            return self.new_origin
        return None


class Attribution(Result):
    """A project's score move split into its causes, in points (0-100 scale).

    `criteria + facts + interaction` and `criteria_share + facts_share` both equal the
    move exactly. All are None when the split is impossible (`note` says why: e.g. the old
    facts do not load against the new criteria's vocabulary).
    """

    criteria: float | None
    facts: float | None
    interaction: float | None
    criteria_share: float | None
    facts_share: float | None
    note: str | None = None


class Statement(NamedTuple):
    """One side's statement of a fact, as a fact diff compares it: its value, its sources as
    printed (`key: title`), and the country file it comes from (None: the profile's own)."""

    value: FactValue
    sources: list[str]
    origin: str | None = None


def diff_statements(old: Mapping[str, Statement], new: Mapping[str, Statement]) -> list[FactChange]:
    """Facts added, removed, changed or re-sourced from `old` to `new` (fact id -> statement),
    in the new order then the facts only `old` states. A fact whose value, sources and origin
    are all the same is no change; same value with other sources or origin is `resourced`."""
    out: list[FactChange] = []
    for fid in [*new, *(f for f in old if f not in new)]:
        before, after = old.get(fid), new.get(fid)
        kind: Literal["added", "removed", "changed", "resourced"]
        if before is None:
            kind = "added"
        elif after is None:
            kind = "removed"
        elif _same(before.value, after.value):
            if before.sources == after.sources and before.origin == after.origin:
                continue
            kind = "resourced"
        else:
            kind = "changed"
        out.append(
            FactChange(
                id=fid,
                kind=kind,
                old=before.value if before else None,
                new=after.value if after else None,
                old_sources=before.sources if before else [],
                new_sources=after.sources if after else [],
                old_origin=before.origin if before else None,
                new_origin=after.origin if after else None,
            )
        )
    return out


def fact_changes(old: Profile, new: Profile) -> list[FactChange]:
    """Facts added, removed, changed or re-sourced from `old` to `new`, in the new order
    (diff_statements; a fact inherited from a country file carries that file as its origin)."""
    return diff_statements(_statements(old), _statements(new))


def _statements(profile: Profile) -> dict[str, Statement]:
    return {
        fid: Statement(fact.value, _sources(profile, fact.sources), fact.origin)
        for fid, fact in profile.facts.items()
    }


def _same(a: FactValue, b: FactValue) -> bool:
    return type(a) is type(b) and a == b


def _sources(profile: Profile, keys: tuple[str, ...]) -> list[str]:
    out = []
    for key in keys:
        ref = profile.sources.get(key)
        out.append(f"{key}: {ref.title}" if ref is not None else key)
    return out


def attribute(a: float, b: float, c: float, d: float) -> Attribution:
    """Split d - a with a = S(C0,F0), b = S(C1,F0), c = S(C0,F1), d = S(C1,F1) (points).

    Inputs are scores as printed (2 decimals); the parts are rounded to 2 decimals and the
    shares to 3, and the interaction absorbs float noise, so every sum is exact.
    """
    delta = round(d - a, 2)
    criteria = round(b - a, 2)
    facts = round(c - a, 2)
    interaction = round(delta - criteria - facts, 2)
    criteria_share = round(criteria + interaction / 2, 3)
    return Attribution(
        criteria=criteria,
        facts=facts,
        interaction=interaction,
        criteria_share=criteria_share,
        facts_share=round(delta - criteria_share, 3),
    )


def criteria_only(delta: float) -> Attribution:
    """The whole move is the criteria's: the facts did not change."""
    delta = round(delta, 2)
    return Attribution(
        criteria=delta, facts=0.0, interaction=0.0, criteria_share=delta, facts_share=0.0
    )


def inseparable(note: str) -> Attribution:
    """No split: one of the cross evaluations (old facts, new criteria or back) failed."""
    return Attribution(
        criteria=None,
        facts=None,
        interaction=None,
        criteria_share=None,
        facts_share=None,
        note=note,
    )
