"""What `validate` says about waivers (expired ones, ones that waive nothing) and about stale
facts."""

from __future__ import annotations

from riskscore.engine.evaluate import expiry_day
from riskscore.engine.evidence import stale_facts
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile


def waiver_findings(profile: Profile, card: Scorecard, today: str) -> list[str]:
    """One `path:line: message` warning per expired or idle waiver. Expiry is judged on the
    clock evaluate() uses (engine.evaluate.expiry_day: the profile's `as_of`, else `today`,
    a UTC date)."""
    day = expiry_day(profile, today) or today
    status = {c.id: c.status for c in card.criteria}
    flagged = {f.criterion for f in card.flags}
    findings: list[str] = []
    for waiver in profile.waivers:
        where = f"{waiver.path}:{waiver.line}" if waiver.line else waiver.path
        if waiver.expires < day:
            clock = f"the profile's as_of {day}" if day == profile.as_of else f"{day} (UTC)"
            findings.append(
                f"{where}: waiver for {waiver.criterion} expired on {waiver.expires} "
                f"(judged on {clock}); renew it with a new date or remove it"
            )
        if (
            status.get(waiver.criterion) in ("met", "not_applicable")
            and waiver.criterion not in flagged
        ):
            findings.append(
                f"{where}: waiver for {waiver.criterion} waives nothing: the "
                f"criterion is {status[waiver.criterion].replace('_', ' ')} and has "
                "no red flag"
            )
    return findings


def stale_findings(profile: Profile, cset: CriteriaSet) -> list[str]:
    """`path:line: ...` warnings for stated facts older than their vocabulary's
    `stale_after_months` before the profile's `as_of`."""
    out = []
    for fid in sorted(stale_facts(profile, cset)):
        fact = profile.facts[fid]
        window = cset.facts[fid].stale_after_months
        where = f"{profile.path}:{fact.line}" if fact.line else profile.path
        out.append(
            f"{where}: fact '{fid}' is dated {fact.date}, more than {window} months before "
            f"as_of {profile.as_of}: it is stale (re-check it or update its date)"
        )
    return out


def deprecated_findings(profile: Profile) -> list[str]:
    """`path:line: ...` warnings for stated facts written with a deprecated value (they score
    as the value the fact's `deprecated:` mapping names)."""
    out = []
    for fid, fact in sorted(profile.facts.items()):
        if fact.deprecated_from is None:
            continue
        where = f"{profile.path}:{fact.line}" if fact.line else profile.path
        out.append(
            f"{where}: fact '{fid}': '{fact.deprecated_from}' is deprecated and scores as "
            f"'{fact.value}'; write '{fact.value}' or a more precise current value"
        )
    return out
