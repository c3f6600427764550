"""Nominal and effective weights: how much of the score's variation each criterion carries.

A criterion's *nominal share* is what its weight promises: its pillar's share of the pillar
weights times its share of the weights in its pillar, when every criterion applies (the
`share` column of `riskscore criteria`). Its *effective share* is what it delivers on a sample
of profiles: how much of the variation of the overall score across them goes with it.
Paruolo, Saisana and Saltelli (2013, "Ratings and rankings: voodoo or science?", JRSS A 176(3))
show the two can differ widely (a heavily weighted criterion on which every unit scores alike
explains nothing; a lightly weighted one that separates the units explains much) and measure
importance by the first-order sensitivity index S_i = Var(E[y | x_i]) / Var(y), y the overall
score and x_i the criterion's score.

S_i needs a smoother of E[y | x_i], which ten or so profiles cannot support. In the linear
case S_i is the squared Pearson correlation r_i^2 of x_i and y (Paruolo et al., section 3), so
this module reports r_i^2 per criterion and, as the effective share, r_i^2 / sum_j r_j^2 (the
shares sum to 1 and read beside the nominal shares). r_i uses the profiles where criterion i
applies (pairwise-complete observations, as COINr's `get_corr` does with R's
`cor(use = "pairwise.complete.obs")`); an unknown fact scores 0 (method v3) and counts as that
0. Where a criterion applies to fewer than 3 profiles, or scores alike on all of them, r_i is
undefined: its r_i^2 counts as 0 (it carries none of the variation on this sample) and its
`note` says why. The measure describes the sample, not the method: new profiles change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from riskscore.engine.aggregate import aggregate_float
from riskscore.engine.scorecard import Result, Scorecard
from riskscore.errors import UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet

MIN_PROFILES = 3
"""A correlation needs at least three points to say anything (two always lie on a line)."""


class CriterionImportance(Result):
    """One criterion's nominal and effective share (both 0-1) on the sample.

    `r`: Pearson correlation of its score (0-1) with the overall score (0-100) over the `n`
    profiles where it applies; None when undefined (`note` says why). `r2`: r squared, 0 when
    r is None. `effective_share`: r2 over the sum of every criterion's r2.
    """

    id: str
    pillar: str
    weight: float
    nominal_share: float
    n: int
    r: float | None
    r2: float
    effective_share: float
    note: str | None = None


class EffectiveWeights(Result):
    """Nominal beside effective shares for every criterion of `criteria_set`, measured on
    `profiles` (slugs, in the order given); `score_sd` is the standard deviation (population)
    of their overall scores, in points."""

    criteria_set: str
    profiles: list[str]
    score_sd: float
    method: str
    criteria: list[CriterionImportance]


METHOD = (
    "effective share = r^2 / sum of r^2, r = Pearson correlation of the criterion's score "
    "with the overall score over the profiles where it applies (Paruolo, Saisana and "
    "Saltelli 2013, linear case of the first-order index)"
)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of two equal-length sequences; None when either is constant or n < 2."""
    if len(xs) != len(ys):
        raise ValueError("pearson: sequences differ in length")
    if len(xs) < 2:
        return None
    mx, my = fmean(xs), fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / (sxx * syy) ** 0.5))


def nominal_shares(cset: CriteriaSet) -> dict[str, float]:
    """Each criterion's share (0-1) of the overall score when every criterion applies, from
    engine.aggregate.aggregate_float() (the `share` column of `riskscore criteria`)."""
    full = aggregate_float(
        [(c.id, c.pillar, float(c.weight), 0.0) for c in cset.criteria],
        {p.id: float(p.weight) for p in cset.header.pillars},
    )
    return {cid: points / 100 for cid, points in full.max_points.items()}


def effective_weights(cards: Sequence[Scorecard], cset: CriteriaSet) -> EffectiveWeights:
    """Nominal and effective share of every criterion of `cset` over the scorecards `cards`.

    Raises UsageError (exit 2) with fewer than 3 scorecards or when their overall scores are
    all equal: then there is no variation to share out.
    """
    if len(cards) < MIN_PROFILES:
        raise UsageError(
            f"effective weights need at least {MIN_PROFILES} profiles (got {len(cards)}): "
            "a correlation over fewer says nothing"
        )
    scores = [card.score for card in cards]
    mean = fmean(scores)
    sd = fmean([(s - mean) ** 2 for s in scores]) ** 0.5
    if sd <= 1e-9:
        raise UsageError("effective weights: every profile has the same score; nothing varies")
    nominal = nominal_shares(cset)
    by_card = [{r.id: r for r in card.criteria} for card in cards]
    rows: list[tuple[str, str, float, int, float | None, str | None]] = []
    for crit in cset.criteria:
        pairs = [
            (res.score, card.score)
            for card, results in zip(cards, by_card, strict=True)
            if (res := results.get(crit.id)) is not None and res.score is not None
        ]
        r = pearson([p[0] for p in pairs], [p[1] for p in pairs])
        note = None
        if len(pairs) < MIN_PROFILES:
            r, note = None, f"applies to {len(pairs)} profile(s), fewer than {MIN_PROFILES}"
        elif r is None:
            note = f"scores {pairs[0][0]:.2f} on all {len(pairs)} profiles where it applies"
        rows.append((crit.id, crit.pillar, float(crit.weight), len(pairs), r, note))
    total = sum(r * r for *_, r, _ in rows if r is not None)
    return EffectiveWeights(
        criteria_set=f"{cset.header.name} {cset.header.version}",
        profiles=[card.slug for card in cards],
        score_sd=sd,
        method=METHOD,
        criteria=[
            CriterionImportance(
                id=cid,
                pillar=pillar,
                weight=weight,
                nominal_share=nominal[cid],
                n=n,
                r=r,
                r2=(r * r if r is not None else 0.0),
                effective_share=(r * r / total if r is not None and total > 0 else 0.0),
                note=note,
            )
            for cid, pillar, weight, n, r, note in rows
        ],
    )
