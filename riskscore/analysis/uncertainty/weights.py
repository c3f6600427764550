"""Weight sensitivity: how far scores, bands and ranks move when the weights are uncertain.

The HTML report's per-project "Sensitivity to the weights" section uses it (pure Python, no
optional extra). `riskscore sensitivity` runs the full uncertainty and Sobol analysis over
every modelling choice instead (uncertainty.py).

Method (deterministic for a seed):
1. Each profile is evaluated once; its criterion scores are kept (None when the criterion is
   not applicable or has no score, exactly what evaluate() leaves out).
2. For each sample, every pillar weight and then every criterion weight (both in the set's
   order) is multiplied by a factor drawn uniformly from [1 - spread, 1 + spread] with
   random.Random(seed). One draw serves every project in that sample.
3. Each project's score is engine.aggregate.aggregate_float() of its kept scores under the
   drawn weights; its band is the engine's band rule, then capped by the red flags of its scorecard.
4. Per project: percentiles of the scores (linear interpolation between order statistics, as
   numpy's default) and of the ranks (nearest rank, so every printed rank is one a sample
   gave; 1 = best, band then score, ties by name and path, as analysis.portfolio ranks), and
   the share of samples in each band.
5. Per criterion, at the baseline weights: its nominal weight (share of the overall score
   when every criterion applies, from aggregate_float()), and the squared Pearson correlation r²
   between its points and the overall score across the portfolio (COINr's correlation-based
   "effective weight"; 0 when either varies not at all), with r² normalised to sum to 1.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Sequence

from riskscore.analysis.portfolio import card_key, competition_ranks, rank_key
from riskscore.analysis.shares import effective_weights
from riskscore.engine.aggregate import aggregate_float, band_for, cap_band
from riskscore.engine.scorecard import CriteriaSetInfo, Result, Scorecard, set_info
from riskscore.errors import UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet

Item = tuple[str, str, float, float | None]


class ProjectSensitivity(Result):
    project: str
    path: str
    baseline: float
    baseline_band: str
    baseline_rank: int
    median: float
    p05: float
    p95: float
    band_probability: dict[str, float]
    median_rank: int
    rank_p05: int
    rank_p95: int
    """Ranks are nearest-rank percentiles (a rank some sample gave; never 1.55)."""


class CriterionInfluence(Result):
    id: str
    pillar: str
    nominal_weight: float
    r2: float
    r2_share: float


class SensitivityResult(Result):
    criteria_set: CriteriaSetInfo
    samples: int
    seed: int
    spread: float
    projects: list[ProjectSensitivity]
    criteria: list[CriterionInfluence]


def run_sensitivity(
    cards: Sequence[Scorecard], cset: CriteriaSet, samples: int, seed: int, spread: float
) -> SensitivityResult:
    """Monte Carlo over the weights, on scorecards that evaluate() made with `cset`."""
    if not cards:
        raise UsageError("sensitivity needs at least one profile")
    if samples < 1:
        raise UsageError(f"--samples must be at least 1, got {samples}")
    if not 0 <= spread < 1:
        raise UsageError(f"--spread must be at least 0 and below 1, got {spread:g}")
    crit_ids = [c.id for c in cset.criteria]
    for card in cards:
        if card.criteria_set != set_info(cset) or [c.id for c in card.criteria] != crit_ids:
            raise UsageError(f"{card.path}: the scorecard was not made with this criteria set")
    pillars = [(p.id, float(p.weight)) for p in cset.header.pillars]
    crits = [(c.id, c.pillar, float(c.weight)) for c in cset.criteria]
    kept = [
        [None if r.status == "not_applicable" else r.score for r in card.criteria] for card in cards
    ]
    rng = random.Random(seed)
    low, high = 1 - spread, 1 + spread
    scores: list[list[float]] = [[] for _ in cards]
    bands: list[Counter[str]] = [Counter() for _ in cards]
    ranks: list[list[int]] = [[] for _ in cards]
    order_key = [(card.project, card.path) for card in cards]
    # Caps do not depend on weights: the best band capped by a card's flags is its ceiling.
    band_index = {b.id: i for i, b in enumerate(cset.header.bands)}
    ceiling = [
        band_index[cap_band(cset.header.bands[0].id, card.flags, cset, [])] for card in cards
    ]
    band_ids = list(band_index)
    for _ in range(samples):
        pillar_w = {pid: w * rng.uniform(low, high) for pid, w in pillars}
        weights = [(cid, pil, w * rng.uniform(low, high)) for cid, pil, w in crits]
        sample: list[float] = []
        sample_band: list[int] = []
        for j in range(len(cards)):
            items: list[Item] = [
                (c, p, w, s) for (c, p, w), s in zip(weights, kept[j], strict=True)
            ]
            agg = aggregate_float(items, pillar_w)
            band, _ = band_for(agg.overall, agg.pillar_scores, cset)
            sample_band.append(max(band_index[band], ceiling[j]))
            bands[j][band_ids[sample_band[-1]]] += 1
            sample.append(round(agg.overall, 2))
            scores[j].append(sample[-1])
        # Rank as the ranking table does: band first (a capped project cannot outrank an
        # uncapped one in a better band), then score.
        ranked = sorted(
            range(len(cards)), key=lambda k: (sample_band[k], -sample[k], *order_key[k])
        )
        for rank, k in enumerate(ranked, start=1):
            ranks[k].append(rank)
    # The one ranking every output prints (analysis.portfolio): band, then score.
    base_rank = competition_ranks([card_key(card) for card in cards])
    projects = [
        ProjectSensitivity(
            project=card.project,
            path=card.path,
            baseline=card.score,
            baseline_band=card.band,
            baseline_rank=base_rank[j],
            median=round(percentile(scores[j], 50), 2),
            p05=round(percentile(scores[j], 5), 2),
            p95=round(percentile(scores[j], 95), 2),
            band_probability={b: round(bands[j][b] / samples, 4) for b in band_ids},
            median_rank=nearest_rank(ranks[j], 50),
            rank_p05=nearest_rank(ranks[j], 5),
            rank_p95=nearest_rank(ranks[j], 95),
        )
        for j, card in enumerate(cards)
    ]
    projects.sort(key=lambda p: rank_key(p.baseline_band, band_ids, p.baseline, p.project, p.path))
    return SensitivityResult(
        criteria_set=set_info(cset),
        samples=samples,
        seed=seed,
        spread=spread,
        projects=projects,
        criteria=influence(cards, cset),
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile, interpolating linearly between order statistics (numpy's default)."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def nearest_rank(values: Sequence[int], q: float) -> int:
    """The q-th percentile by the nearest-rank method (the smallest value with at least q % of
    the values at or below it; numpy's `inverted_cdf`): always one of the values."""
    ordered = sorted(values)
    k = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[k - 1]


def influence(cards: Sequence[Scorecard], cset: CriteriaSet) -> list[CriterionInfluence]:
    """Nominal weight and r² of each criterion's points with the overall score."""
    nominal = effective_weights(cset)
    overall = [card.score for card in cards]
    r2 = {
        c.id: _r2([card.criteria[i].points for card in cards], overall)
        for i, c in enumerate(cset.criteria)
    }
    total = sum(r2.values())
    return [
        CriterionInfluence(
            id=c.id,
            pillar=c.pillar,
            nominal_weight=round(nominal[c.id], 4),
            r2=round(r2[c.id], 4),
            r2_share=round(r2[c.id] / total, 4) if total else 0.0,
        )
        for c in cset.criteria
    ]


def _r2(xs: list[float], ys: list[float]) -> float:
    if len(xs) < 2 or statistics.pvariance(xs) == 0 or statistics.pvariance(ys) == 0:
        return 0.0
    return statistics.correlation(xs, ys) ** 2
