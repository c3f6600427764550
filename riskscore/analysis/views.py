"""Portfolio views: filter a ranking (`--where KEY=VALUE`) and group it (`--group-by KEY`).

Keys, each read from the scorecard:

    country    the profile's `project.country` (as written: `Pakistan`)
    stage      the project's stage (`construction`); `unknown` when the profile has none
    commodity  one of `project.commodities` (`copper`); a project with several is in each group
    band       the band id (`weak`); a provisional band counts as its band
    flag       a verified red flag's criterion id (`serious-abuses`); `none` for a project with
               no verified red flag, `any` (filter only) for one with at least one

Values compare case-insensitively. `--where` may be repeated: the same key twice means
either value (`--where country=Zambia --where country=Mongolia`), different keys must all
hold (`--where country=Pakistan --where band=weak`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from riskscore.engine.scorecard import Scorecard
from riskscore.errors import UsageError
from riskscore.suggest import did_you_mean

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet

KEYS = ("country", "stage", "commodity", "band", "flag")
"""What `--where` and `--group-by` accept."""

NONE = "none"
"""The group of a project with no value for a multi-valued key (no red flag, no commodity)."""


def values(card: Scorecard, key: str) -> list[str]:
    """The values of `key` for one project, as shown (a multi-valued key may give several;
    never empty: a project without one is in the `none` or `unknown` group)."""
    if key == "country":
        return [card.country]
    if key == "stage":
        return [card.stage or "unknown"]
    if key == "commodity":
        return list(dict.fromkeys(card.commodities)) or [NONE]
    if key == "band":
        return [card.band]
    if key == "flag":
        return list(dict.fromkeys(f.criterion for f in card.flags)) or [NONE]
    raise UsageError(
        f"unknown view key '{key}'{did_you_mean(key, KEYS)}; choose from {', '.join(KEYS)}"
    )


@dataclass(frozen=True)
class Where:
    """A parsed set of `--where` conditions: key -> accepted values (lower case)."""

    conditions: tuple[tuple[str, frozenset[str]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def matches(self, card: Scorecard) -> bool:
        """Whether the project meets every condition (any of the values given for a key)."""
        for key, wanted in self.conditions:
            have = {v.lower() for v in values(card, key)}
            if key == "flag" and "any" in wanted and card.flags:
                continue
            if not have & wanted:
                return False
        return True

    def describe(self) -> str:
        """`country=Pakistan, band=weak|poor`, for the title of a filtered ranking."""
        return ", ".join(f"{key}={'|'.join(sorted(vals))}" for key, vals in self.conditions)


def parse_where(
    texts: Sequence[str], bands: Sequence[str] = (), criteria: Sequence[str] = ()
) -> Where:
    """`KEY=VALUE` texts as a Where. `bands` and `criteria` (ids of the criteria set), when
    given, check `band=` and `flag=` values, so a typo is an error rather than an empty
    ranking. Raises UsageError (exit 2) for a missing `=`, an unknown key or value."""
    found: dict[str, set[str]] = {}
    for text in texts:
        key, eq, value = text.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not eq or not value:
            raise UsageError(f"--where {text!r}: write KEY=VALUE, for example band=weak")
        if key not in KEYS:
            raise UsageError(
                f"--where {text!r}: unknown key '{key}'{did_you_mean(key, KEYS)}; "
                f"choose from {', '.join(KEYS)}"
            )
        _check_value(text, key, value, bands, criteria)
        found.setdefault(key, set()).add(value.lower())
    return Where(tuple((key, frozenset(found[key])) for key in KEYS if key in found))


def parse_where_in(texts: Sequence[str], cset: CriteriaSet) -> Where:
    """parse_where with `band=` and `flag=` values checked against `cset`: its band ids and
    the ids of its gated criteria (those that can raise a red flag)."""
    return parse_where(
        texts,
        [b.id for b in cset.header.bands],
        [c.id for c in cset.criteria if c.gate is not None],
    )


def _check_value(
    text: str, key: str, value: str, bands: Sequence[str], criteria: Sequence[str]
) -> None:
    known: Sequence[str] = ()
    if key == "band":
        known = bands
    elif key == "flag" and criteria:
        known = [*criteria, NONE, "any"]
    if known and value.lower() not in {k.lower() for k in known}:
        raise UsageError(
            f"--where {text!r}: no {key} '{value}'{did_you_mean(value, known)}; "
            f"choose from {', '.join(known)}"
        )


def check_group_key(key: str | None) -> str | None:
    """`--group-by KEY` checked: one of KEYS (lower case), or None. UsageError otherwise."""
    if key is None:
        return None
    if key.lower() not in KEYS:
        raise UsageError(
            f"--group-by {key!r}: unknown key{did_you_mean(key, KEYS)}; choose from "
            + ", ".join(KEYS)
        )
    return key.lower()


def grouped(cards: Iterable[Scorecard], key: str) -> list[tuple[str, list[Scorecard]]]:
    """(group value, its projects in input order) for every value of `key`, groups sorted by
    value with `none`/`unknown` last; a project with several values is in each group. Bands
    are ordered best first by the criteria set's band order."""
    groups: dict[str, list[Scorecard]] = {}
    order: list[str] = []
    for card in cards:
        if not order and key == "band":
            order = list(card.criteria_set.bands)
        for value in values(card, key):
            groups.setdefault(value, []).append(card)

    def rank(value: str) -> tuple[int, int, str]:
        last = value in (NONE, "unknown")
        position = order.index(value) if value in order else len(order)
        return last, position, value.lower()

    return [(value, groups[value]) for value in sorted(groups, key=rank)]
