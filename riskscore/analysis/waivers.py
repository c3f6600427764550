"""What `validate` says about waivers: expired ones, and ones that waive nothing."""

from __future__ import annotations

from riskscore.engine.scorecard import Scorecard
from riskscore.load.profile_models import Profile


def waiver_findings(profile: Profile, card: Scorecard, today: str) -> list[str]:
    """One `path:line: message` warning per expired or idle waiver."""
    status = {c.id: c.status for c in card.criteria}
    flagged = {f.criterion for f in card.flags}
    findings: list[str] = []
    for waiver in profile.waivers:
        where = f"{waiver.path}:{waiver.line}" if waiver.line else waiver.path
        if waiver.expires < today:
            findings.append(
                f"{where}: waiver for {waiver.criterion} expired on {waiver.expires}; "
                "renew it with a new date or remove it"
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
