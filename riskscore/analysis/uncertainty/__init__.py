"""Uncertainty and sensitivity analysis of the scores, bands and ranks (issue 12).

Method (OECD/JRC Handbook on Composite Indicators, 2008, step 7; Saisana, Saltelli and
Tarantola, JRSS A 168(2), 2005), deterministic for a seed:
1. The uncertain inputs declared in the set's `uncertainty:` section (inputs.py)
   become U[0, 1] variables in five groups: weights, aggregation, unknowns, assumptions,
   cutoffs. SALib's Saltelli scheme on a scrambled Sobol' sequence draws N base samples,
   giving N x (G + 2) model runs for G groups (first- and total-order indices only).
2. Every run is evaluated at once with numpy (model.py); sample 0 is the set's
   own choices and reproduces evaluate().
3. Uncertainty: per project, over the 2N independent rows (matrices A and B), the median and
   5-95 % interval of the score and of the rank (1 = best; band first, then score, ties by
   name and path, as the ranking table), and the share of rows in each band.
4. Sensitivity: per project (output: its score) and for the portfolio (output: the mean
   absolute shift in rank from the set's own ranking, Saisana et al. 2005), SALib's
   Sobol analysis gives first-order S_i and total-order S_Ti per group with bootstrap
   confidence intervals; the same analysis on the first N/2 base samples gives the
   convergence check (largest change of any S_Ti).
5. Top individual inputs: SALib's RBD-FAST (Tarantola et al. 2006, with Tissot and Prieur's
   bias correction) estimates each input's first-order index from the 2N uncertainty rows;
   the TOP_INPUTS largest are reported with bootstrap intervals. A Saltelli design per
   individual input would need N x (k + 2) runs for k in the thousands.
"""

from __future__ import annotations

import importlib

from riskscore.engine.scorecard import CriteriaSetInfo, Result
from riskscore.errors import UsageError

INSTALL_HINT = (
    "riskscore sensitivity needs numpy and SALib, which are optional: "
    "pip install 'riskscore[analysis]'"
)
TOP_INPUTS = 5
"""Individual inputs reported per output."""
CONVERGED = 0.05
"""Largest change of a total-order index between N/2 and N base samples still called stable."""


def require_extra() -> None:
    """Raise UsageError (exit 2) naming the extra to install when numpy or SALib is missing."""
    for module in ("numpy", "scipy", "SALib.sample.sobol", "SALib.analyze.sobol"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise UsageError(INSTALL_HINT) from exc


class Interval(Result):
    """Median and 5-95 % interval over the uncertainty samples."""

    median: float
    p05: float
    p95: float


class RankInterval(Result):
    """Median and 5-95 % interval of a rank, each a rank that occurred (nearest-rank
    percentiles; the lower middle value for an even count): a median rank of 1.55 is no rank."""

    median: int
    p05: int
    p95: int


class SobolIndex(Result):
    """First-order (S_i) and total-order (S_Ti) Sobol indices of one input group, each with
    the half-width of its bootstrap 95 % confidence interval. An estimate below 0 whose
    interval reaches 0 is shown as 0 (an index is a share of variance, never negative; the
    estimator's sampling error made it so) and named in `zeroed`."""

    group: str
    inputs: int
    first: float
    first_ci: float
    total: float
    total_ci: float
    zeroed: list[str] = []
    """"first" and/or "total" when that estimate was negative within its interval."""


class InputIndex(Result):
    """First-order index of one individual input (RBD-FAST on the uncertainty samples), with
    the half-width of its bootstrap 95 % confidence interval."""

    input: str
    group: str
    first: float
    first_ci: float


class Sobol(Result):
    """Sobol indices of one output, the convergence check and a one-sentence reading; the
    individual inputs with the largest first-order indices (none when N < 64 or the output
    does not vary)."""

    output: str
    variance: float
    indices: list[SobolIndex]
    notes: list[str] = []
    """Why an index shows 0 although its estimate was negative, or why one stays negative."""
    top_inputs: list[InputIndex]
    convergence: float
    converged: bool
    reading: str


class ProjectUncertainty(Result):
    project: str
    path: str
    baseline: float
    baseline_band: str
    baseline_rank: int
    score: Interval
    rank: RankInterval
    band_probability: dict[str, float]
    sobol: Sobol
    baseline_inside: bool = True
    """Whether the baseline lies within the 5-95 % interval of the score (JRC step 7)."""
    baseline_note: str | None = None
    """When it does not: why, from the declared choices that move the score one way only."""


class SensitivityResult(Result):
    criteria_set: CriteriaSetInfo
    base_samples: int
    model_runs: int
    uncertainty_samples: int
    seed: int
    resamples: int
    uncertainty: dict[str, dict[str, object]]
    inputs: dict[str, int]
    projects: list[ProjectUncertainty]
    rank_shift: Interval
    """The portfolio's mean absolute shift in rank from the set's own ranking (ranks)."""
    portfolio: Sobol


def check_samples(samples: int, resamples: int) -> None:
    """Sobol' sequences balance only at powers of two; the N/2 check needs N >= 4."""
    if samples < 4 or samples & (samples - 1):
        raise UsageError(f"--samples must be a power of 2, at least 4 (got {samples})")
    if resamples < 10:
        raise UsageError(f"--resamples must be at least 10 (got {resamples})")
