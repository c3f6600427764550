"""run_uncertainty(): sample, evaluate with numpy, analyse with SALib (method: uncertainty.py)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from SALib.analyze import rbd_fast
from SALib.analyze import sobol as sobol_analyze

from riskscore.analysis.portfolio import competition_ranks, rank_key
from riskscore.analysis.uncertainty import (
    CONVERGED,
    TOP_INPUTS,
    InputIndex,
    Interval,
    ProjectUncertainty,
    RankInterval,
    SensitivityResult,
    Sobol,
    SobolIndex,
    check_samples,
)
from riskscore.analysis.uncertainty.adapter import profile_label
from riskscore.analysis.uncertainty.inputs import GROUP_TITLES, Space, build_space
from riskscore.analysis.uncertainty.model import build_model, evaluate_draws
from riskscore.analysis.uncertainty.reading import reading
from riskscore.analysis.uncertainty.saltelli import saltelli_sample
from riskscore.engine.scorecard import set_info
from riskscore.errors import UsageError
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile

DIGITS = 4
SCREEN_BINS = 16
TOP_RESAMPLES = 10
"""Bootstrap resamples for the individual inputs' intervals (each costs a periodogram)."""


def run_uncertainty(
    profiles: list[Profile],
    cset: CriteriaSet,
    spec: m.Uncertainty,
    samples: int,
    seed: int,
    resamples: int = 100,
) -> SensitivityResult:
    """Monte Carlo uncertainty analysis and Sobol sensitivity analysis of `profiles`.

    `samples` is N, the number of base samples (a power of 2, at least 4); `resamples` the
    bootstrap resamples behind the 95 % confidence intervals. Model runs: 1 + N x (G + 2)
    for G varied groups. Raises UsageError for no profiles, bad sizes or nothing to vary.
    """
    if not profiles:
        raise UsageError("sensitivity needs at least one profile")
    check_samples(samples, resamples)
    space = build_space(profiles, cset, spec)
    groups = space.group_names()
    if not groups:
        raise UsageError("the uncertainty section varies nothing: every group is switched off")
    problem = space.problem()
    x = saltelli_sample(problem, samples, seed)
    model = build_model(profiles, cset, space)
    nominal_scores, nominal_bands = evaluate_draws(model, space.nominal())
    scores, bands = evaluate_draws(model, space.decode(x))
    labels = [profile_label(p) for p in profiles]
    band_ids = [b.id for b in cset.header.bands]
    # The baseline ranks are the one ranking every output prints (analysis.portfolio); each
    # run's ranks order the same key, ties broken by name and path.
    base_rank = np.array(
        competition_ranks(
            [
                rank_key(band_ids[int(b)], band_ids, round(float(s), 2), *label)
                for s, b, label in zip(nominal_scores[0], nominal_bands[0], labels, strict=True)
            ]
        )
    )
    ranks = _ranks(scores, bands, labels)
    block = len(groups) + 2
    ua = np.sort(np.r_[np.arange(samples) * block, np.arange(samples) * block + block - 1])
    counts = {g: space.groups.count(g) for g in groups}
    projects = []
    for j, (name, path) in enumerate(labels):
        shown = np.round(scores[ua, j], 2)
        score = _interval(shown)
        baseline = round(float(nominal_scores[0, j]), 2)
        note = _outside(baseline, score, spec, space, j)
        projects.append(
            ProjectUncertainty(
                project=name,
                path=path,
                baseline=baseline,
                baseline_inside=note is None,
                baseline_note=note,
                baseline_band=band_ids[int(nominal_bands[0, j])],
                baseline_rank=int(base_rank[j]),
                score=score,
                rank=_rank_interval(ranks[ua, j]),
                band_probability={
                    b: round(float(np.mean(bands[ua, j] == i)), DIGITS)
                    for i, b in enumerate(band_ids)
                },
                sobol=_sobol(
                    problem,
                    scores[:, j],
                    samples,
                    _own(space, j),
                    (seed, resamples),
                    name,
                    _top(space, x[ua], scores[ua, j], j, seed, resamples),
                ),
            )
        )
    projects.sort(key=lambda p: rank_key(p.baseline_band, band_ids, p.baseline, p.project, p.path))
    shift = np.abs(ranks - base_rank[None, :]).mean(axis=1)
    return SensitivityResult(
        criteria_set=set_info(cset),
        base_samples=samples,
        model_runs=1 + x.shape[0],
        uncertainty_samples=len(ua),
        seed=seed,
        resamples=resamples,
        uncertainty=spec.model_dump(),
        inputs=counts,
        projects=projects,
        rank_shift=_interval(shift[ua]),
        portfolio=_sobol(
            problem,
            shift,
            samples,
            counts,
            (seed, resamples),
            None,
            _top(space, x[ua], shift[ua], None, seed, resamples),
        ),
    )


def _own(space: Space, project: int) -> dict[str, int]:
    """Variables per group that bear on one project: the shared ones and its own facts."""
    counts = {g: space.groups.count(g) for g in space.group_names()}
    for group in ("unknowns", "assumptions"):
        if group in counts:
            counts[group] = sum(1 for f in space.facts if f.project == project and f.group == group)
    return counts


def _ranks(scores: np.ndarray, bands: np.ndarray, labels: list[tuple[str, str]]) -> np.ndarray:
    """Rank (1 = best) per row in the order of analysis.portfolio.rank_key: band first, then
    the score as printed, ties by name and path (every run ranks each project once)."""
    order = sorted(range(len(labels)), key=lambda j: labels[j])
    key = bands[:, order] * 1000.0 - np.round(scores[:, order], 2)
    position = np.argsort(key, axis=1, kind="stable")
    ranks = np.empty_like(position)
    rows = np.arange(key.shape[0])[:, None]
    ranks[rows, position] = np.arange(1, len(labels) + 1)[None, :]
    out = np.empty_like(ranks)
    out[:, order] = ranks
    return out


def _outside(
    baseline: float, score: Interval, spec: m.Uncertainty, space: Space, project: int
) -> str | None:
    """None when the baseline lies within the 5-95 % interval of the score; otherwise why
    (OECD/JRC Handbook, step 7: the reference result should lie within the bounds, or the
    report says why), naming the declared choices that can move the score one way only."""
    if score.p05 <= baseline <= score.p95:
        return None
    documented = any(f.project == project and f.group == "unknowns" for f in space.facts)
    if baseline > score.p95:
        where = f"above the 95th percentile {score.p95:.2f}"
        causes = []
        if "geometric" in spec.aggregation.alternatives:
            causes.append(
                "the geometric mean of the pillars, drawn in half the runs, never exceeds the "
                "arithmetic mean the set uses (unequal pillars score lower)"
            )
    else:
        where = f"below the 5th percentile {score.p05:.2f}"
        causes = []
        if documented:
            causes.append(
                "its unknown facts score 0 at the baseline and are drawn as documented in "
                "every run, which raises their criteria unless a red flag trips"
            )
    if not causes:
        causes.append(
            "the drawn weights move weight between its strong and weak criteria unevenly "
            "(an asymmetric effect of symmetric draws)"
        )
    return f"The baseline {baseline:.2f} lies {where}: " + "; ".join(causes) + "."


def _rank_interval(values: np.ndarray) -> RankInterval:
    """Nearest-rank percentiles (numpy's `inverted_cdf`): each a rank some run gave."""
    p05, median, p95 = np.percentile(values, [5, 50, 95], method="inverted_cdf")
    return RankInterval(median=int(median), p05=int(p05), p95=int(p95))


def _interval(values: np.ndarray) -> Interval:
    p05, median, p95 = np.percentile(values, [5, 50, 95])
    return Interval(
        median=round(float(median), 2), p05=round(float(p05), 2), p95=round(float(p95), 2)
    )


def _sobol(
    problem: dict[str, Any],
    y: np.ndarray,
    samples: int,
    counts: dict[str, int],
    seeding: tuple[int, int],
    project: str | None,
    top: list[InputIndex],
) -> Sobol:
    """SALib's Sobol analysis of output `y` (every design row), at N and at N/2."""
    seed, resamples = seeding
    groups = list(counts)
    block = len(groups) + 2
    variance = float(np.var(y))
    if variance <= 1e-18:  # the output never moves: no variance to apportion
        zero = [
            SobolIndex(group=g, inputs=counts[g], first=0, first_ci=0, total=0, total_ci=0)
            for g in groups
        ]
        return Sobol(
            output=_output(project),
            variance=0.0,
            indices=zero,
            top_inputs=top,
            convergence=0.0,
            converged=True,
            reading=reading(project, [], 0.0),
        )
    full = _analyze(problem, y, resamples, seed)
    # The first N/2 base samples are a design of their own (the rows come in blocks of G + 2);
    # only their point estimates are used, so few resamples.
    half = _analyze(problem, y[: samples // 2 * block], 10, seed)
    change = float(np.nanmax(np.abs(full["ST"] - half["ST"])))
    indices = [
        _index(
            g,
            counts[g],
            (_r(full["S1"][i]), _r(full["S1_conf"][i])),
            (_r(full["ST"][i]), _r(full["ST_conf"][i])),
        )
        for i, g in enumerate(groups)
    ]
    return Sobol(
        output=_output(project),
        variance=_r(variance),
        indices=indices,
        notes=_sobol_notes(indices),
        top_inputs=top,
        convergence=_r(change),
        converged=change <= CONVERGED,
        reading=reading(project, indices, variance),
    )


def _index(
    group: str, inputs: int, first: tuple[float, float], total: tuple[float, float]
) -> SobolIndex:
    """One group's indices; an estimate below 0 whose interval reaches 0 shows as 0."""
    zeroed = [
        name for name, (value, ci) in (("first", first), ("total", total)) if -ci <= value < 0
    ]
    return SobolIndex(
        group=group,
        inputs=inputs,
        first=0.0 if "first" in zeroed else first[0],
        first_ci=first[1],
        total=0.0 if "total" in zeroed else total[0],
        total_ci=total[1],
        zeroed=zeroed,
    )


def _sobol_notes(indices: list[SobolIndex]) -> list[str]:
    """A note per zeroed estimate and per one still negative beyond its interval."""
    notes = []
    zeroed = [f"{GROUP_TITLES[ix.group]} ({', '.join(ix.zeroed)})" for ix in indices if ix.zeroed]
    if zeroed:
        notes.append(
            "Shown as 0: " + "; ".join(zeroed) + ": the estimate was slightly negative, within "
            "its 95% interval of 0; a Sobol index is a share of variance and cannot be "
            "negative, so the group has no measurable effect here."
        )
    negative = [GROUP_TITLES[ix.group] for ix in indices if min(ix.first, ix.total) < 0]
    if negative:
        notes.append(
            "Negative beyond its interval: " + ", ".join(negative) + ": estimator noise; "
            "run more base samples (--samples)."
        )
    return notes


def _top(
    space: Space, x: np.ndarray, y: np.ndarray, project: int | None, seed: int, resamples: int
) -> list[InputIndex]:
    """The TOP_INPUTS inputs with the largest first-order index for output y over the
    uncertainty rows x. A screening pass ranks every input bearing on the output by its
    correlation ratio (the variance of y's mean over SCREEN_BINS equal bins of the input,
    over y's variance: a first-order index estimated from given data); SALib's RBD-FAST then
    estimates the leaders' indices with a bootstrap interval. Empty below 128 rows (the
    estimator's bias correction needs many more rows than its M = 10 harmonics)."""
    if len(y) < 128 or float(np.var(y)) <= 1e-18:
        return []
    first = space.first_fact
    cols = [
        i
        for i, g in enumerate(space.groups)
        if (g not in ("unknowns", "assumptions") or project is None
            or space.facts[i - first].project == project)
        and np.ptp(x[:, i]) > 0
    ]  # fmt: skip
    bins = np.minimum((x[:, cols] * SCREEN_BINS).astype(np.int64), SCREEN_BINS - 1)
    centred = y - y.mean()
    screen = np.empty(len(cols))
    for k in range(len(cols)):
        counts = np.bincount(bins[:, k], minlength=SCREEN_BINS)
        sums = np.bincount(bins[:, k], weights=centred, minlength=SCREEN_BINS)
        screen[k] = np.sum(sums[counts > 0] ** 2 / counts[counts > 0])
    leaders = [cols[k] for k in np.argsort(-screen, kind="stable")[:TOP_INPUTS]]
    sub = {"num_vars": len(leaders), "names": [space.names[i] for i in leaders]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = rbd_fast.analyze(
            sub, x[:, leaders], y, num_resamples=min(resamples, TOP_RESAMPLES), seed=seed + 1
        )
    found = [
        InputIndex(
            input=space.names[i],
            group=space.groups[i],
            first=_r(full["S1"][k]),
            first_ci=_r(full["S1_conf"][k]),
        )
        for k, i in enumerate(leaders)
    ]
    return sorted(found, key=lambda f: -f.first)


def _analyze(problem: dict[str, Any], y: np.ndarray, resamples: int, seed: int) -> Any:
    # SALib draws its bootstrap with the global generator when seed is 0 (falsy): pass seed + 1.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sobol_analyze.analyze(
            problem, y, calc_second_order=False, num_resamples=resamples, seed=seed + 1
        )


def _output(project: str | None) -> str:
    return "mean absolute rank shift" if project is None else "score"


def _r(value: float) -> float:
    """Round for output; NaN (a degenerate bootstrap) reads as 0."""
    value = float(value)
    return 0.0 if np.isnan(value) else round(value, DIGITS) + 0.0
