"""The composite indicator over many samples at once: numpy over samples x projects x criteria.

Criterion scores come from lookup tables filled by the engine's own per-criterion scoring
(uncertainty/adapter.py), one entry per combination of the varied facts a criterion reads, so
the rules cannot drift from evaluate(). Aggregation and banding then follow engine/aggregate.py
on arrays:

- pillar k of project p: P_k = 100 x sum_c w_c s_c / sum_c w_c over the counted criteria c;
- overall, arithmetic: sum_k a_k P_k, with a_k = v_k / sum of v over the scored pillars;
- overall, geometric: the same weights on P'_k = f + (100 - f) P_k / 100, then mapped back,
  G = (prod_k P'_k ^ a_k - f) x 100 / (100 - f) (f = geometric_floor);
- band: the first band whose (drawn) minimum the score rounded to 2 decimals reaches and
  whose per-pillar minimum every scored pillar reaches; a red flag caps it (never raises).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from riskscore.analysis.uncertainty.adapter import criterion_outcome, facts_read, stated_facts
from riskscore.analysis.uncertainty.inputs import MISSING, Draws, Space
from riskscore.engine.aggregate import EPS
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile

CHUNK = 8192
"""Samples evaluated per block, so memory stays near CHUNK x projects x criteria x 8 bytes."""


@dataclass(frozen=True)
class Table:
    """One criterion of one project: the fact columns it varies with, their strides, and the
    score (NaN when it does not count) and band-cap index for every combination."""

    columns: tuple[int, ...]
    strides: tuple[int, ...]
    scores: np.ndarray
    caps: np.ndarray


@dataclass(frozen=True)
class Model:
    """Lookup tables (projects x criteria) and the set's fixed parts, ready to evaluate."""

    tables: tuple[tuple[Table, ...], ...]
    crit_pillar: np.ndarray
    pillar_min: np.ndarray  # per band; NaN when the band has none
    floor: float


def build_model(profiles: list[Profile], cset: CriteriaSet, space: Space) -> Model:
    """Fill every table by asking the engine once per combination of varied fact values."""
    columns_of: dict[tuple[int, str], int] = {
        (fc.project, fc.fact): j for j, fc in enumerate(space.facts)
    }
    reads = [facts_read(cset, i) for i in range(len(cset.criteria))]
    tables: list[tuple[Table, ...]] = []
    for p, profile in enumerate(profiles):
        base = {k: v for k, (v, _) in stated_facts(profile).items()}
        row: list[Table] = []
        for i, read in enumerate(reads):
            cols = tuple(columns_of[(p, f)] for f in read if (p, f) in columns_of)
            sizes = [len(space.facts[j].choices) for j in cols]
            strides = tuple(int(np.prod(sizes[k + 1 :])) for k in range(len(sizes)))
            scores, caps = [], []
            for combo in itertools.product(*(space.facts[j].choices for j in cols)):
                values = dict(base)
                for j, value in zip(cols, combo, strict=True):
                    if value is MISSING:
                        values.pop(space.facts[j].fact, None)
                    else:
                        values[space.facts[j].fact] = value
                score, cap = criterion_outcome(cset, i, values, profile.project.stage)
                scores.append(np.nan if score is None else score)
                caps.append(cap)
            row.append(Table(cols, strides, np.array(scores), np.array(caps, dtype=np.int64)))
        tables.append(tuple(row))
    bands = cset.header.bands
    return Model(
        tables=tuple(tables),
        crit_pillar=space.crit_pillar,
        pillar_min=np.array([np.nan if b.pillar_min is None else b.pillar_min for b in bands]),
        floor=float(space.spec.aggregation.geometric_floor),
    )


def evaluate_draws(model: Model, draws: Draws) -> tuple[np.ndarray, np.ndarray]:
    """(overall score 0-100 unrounded, band index) for each sample and project, both (n, P)."""
    n = draws.crit_w.shape[0]
    scores = np.empty((n, len(model.tables)))
    bands = np.empty((n, len(model.tables)), dtype=np.int64)
    for start in range(0, n, CHUNK):
        part = slice(start, min(n, start + CHUNK))
        scores[part], bands[part] = _evaluate_chunk(model, draws, part)
    return scores, bands


def _evaluate_chunk(model: Model, draws: Draws, part: slice) -> tuple[np.ndarray, np.ndarray]:
    choice = draws.choice[part]
    n = choice.shape[0]
    n_proj, n_crit = len(model.tables), len(model.crit_pillar)
    s = np.empty((n, n_proj, n_crit))
    cap = np.zeros((n, n_proj), dtype=np.int64)
    for p, row in enumerate(model.tables):
        for c, t in enumerate(row):
            if not t.columns:
                s[:, p, c] = t.scores[0]
                if t.caps[0]:
                    cap[:, p] = np.maximum(cap[:, p], t.caps[0])
                continue
            idx = sum(choice[:, j] * stride for j, stride in zip(t.columns, t.strides, strict=True))
            s[:, p, c] = t.scores[idx]
            cap[:, p] = np.maximum(cap[:, p], t.caps[idx])
    membership = np.eye(len(draws.pillar_w[0]))[model.crit_pillar]  # criteria x pillars
    w = draws.crit_w[part][:, None, :]
    counted = ~np.isnan(s)
    sums = (counted * w) @ membership  # n x P x pillars
    earned = (np.where(counted, s, 0.0) * w) @ membership
    scored = sums > 0
    pillar = np.where(scored, 100 * earned / np.where(scored, sums, 1.0), 0.0)
    v = draws.pillar_w[part][:, None, :] * scored
    total = v.sum(axis=2, keepdims=True)
    share = np.where(total > 0, v / np.where(total > 0, total, 1.0), 0.0)
    arithmetic = (share * pillar).sum(axis=2)
    f = model.floor
    lifted = f + (100 - f) * pillar / 100
    geometric = (np.exp((share * np.log(lifted)).sum(axis=2)) - f) * 100 / (100 - f)
    geometric = np.where(total[..., 0] > 0, geometric, 0.0)
    overall = np.where(draws.geometric[part][:, None], geometric, arithmetic)
    band = _bands(overall, pillar, scored, draws.band_min[part], model.pillar_min)
    return overall, np.maximum(band, cap)


def _bands(
    overall: np.ndarray,
    pillar: np.ndarray,
    scored: np.ndarray,
    band_min: np.ndarray,
    pillar_min: np.ndarray,
) -> np.ndarray:
    """engine.aggregate.band_for on arrays, judged on the figures a scorecard prints."""
    shown = np.round(overall, 2)
    pillar_shown = np.where(scored, np.round(pillar, 2), np.inf)
    lowest = pillar_shown.min(axis=2)
    n_bands = band_min.shape[1]
    band = np.full(overall.shape, n_bands - 1, dtype=np.int64)
    open_ = np.ones(overall.shape, dtype=bool)
    for b in range(n_bands):
        ok = shown + EPS >= band_min[:, b : b + 1]
        if not np.isnan(pillar_min[b]):
            ok &= lowest + EPS >= pillar_min[b]
        hit = ok & open_
        band[hit] = b
        open_ &= ~hit
    return band
