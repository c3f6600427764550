"""Nominal shares: each criterion's share of the overall score when every criterion applies."""

from __future__ import annotations

from riskscore.engine.aggregate import aggregate_float
from riskscore.load.criteria.criteria_set import CriteriaSet


def effective_weights(cset: CriteriaSet) -> dict[str, float]:
    """Each criterion's share of the overall score (0-1) when every criterion applies,
    from engine.aggregate.aggregate_float() so it can never disagree with a scorecard."""
    nominal = aggregate_float(
        [(c.id, c.pillar, float(c.weight), 0.0) for c in cset.criteria],
        {p.id: float(p.weight) for p in cset.header.pillars},
    )
    return {cid: points / 100 for cid, points in nominal.max_points.items()}
