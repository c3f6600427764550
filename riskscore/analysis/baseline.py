"""Compare a scorecard's findings with a baseline: which are new, unchanged, or gone.

A finding is a red flag (verified or unverified) or a criterion that is unmet, partial or
unknown, identified by profile path + criterion + kind (`finding_id`). `evaluate --baseline`
reports and gates only the new ones; see riskscore.load.baseline for the file.
"""

from __future__ import annotations

from riskscore.engine.scorecard import BaselineInfo, Scorecard, finding_ids
from riskscore.load.baseline import Baseline, profile_key


def with_baseline(card: Scorecard, baseline: Baseline, file: str) -> Scorecard:
    """`card` with its `baseline` set: findings the baseline lists for the card's profile
    path are `unchanged`, the others `new`; ids it lists that the card no longer has are
    `absent`. A profile the baseline does not mention has only new findings."""
    accepted = baseline.get(profile_key(card.path), frozenset())
    current = finding_ids(card)
    info = BaselineInfo(
        file=file,
        new=sorted(i for i in current if i not in accepted),
        unchanged=sorted(i for i in current if i in accepted),
        absent=sorted(accepted.difference(current)),
    )
    return card.model_copy(update={"baseline": info})
