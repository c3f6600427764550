"""Profiles of one country that override a country fact in different ways.

Country facts live once in countries/<iso>.yaml (load/countries.py); a profile may override
one with a note. Two profiles of the same country that override the same fact with different
values contradict each other (at most one can be right about the country), so `validate`
warns about them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from riskscore.load.profile_models import Profile


def override_conflicts(profiles: Iterable[Profile]) -> list[str]:
    """One warning per (country, fact) that profiles override with different values.

    Returns lines like `profiles of Pakistan disagree on eiti_status, which they override:
    a.yaml:12 says intent_announced, b.yaml:9 says implementing_not_yet_validated (the country
    file says not_implementing)`, sorted by country then fact.
    """
    seen: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    country_value: dict[tuple[str, str], object] = {}
    for profile in profiles:
        for fact in profile.facts.values():
            if fact.overrides is None:
                continue
            key = (profile.project.country, fact.id)
            where = f"{profile.path}:{fact.line}" if fact.line else profile.path
            seen[key][_shown(fact.value)].append(where)
            country_value[key] = fact.overrides
    out = []
    for (country, fact_id), by_value in sorted(seen.items()):
        if len(by_value) < 2:
            continue
        claims = ", ".join(
            f"{' and '.join(paths)} says {value}" for value, paths in sorted(by_value.items())
        )
        out.append(
            f"profiles of {country} disagree on {fact_id}, which they override: {claims} "
            f"(the country file says {_shown(country_value[(country, fact_id)])})"
        )
    return out


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
