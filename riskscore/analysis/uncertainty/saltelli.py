"""SALib's Saltelli design (SALib.sample.sobol.sample, first- and total-order) on arrays.

SALib 1.6 builds the design with a Python loop over rows x groups x variables, which takes
tens of seconds for a portfolio's thousand-odd variables. This builds the same matrix with
numpy from the same scrambled Sobol' base sequence; tests/test_sensitivity.py checks that it
equals SALib's output exactly, so SALib's analysis reads it as its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import qmc


def saltelli_sample(problem: dict[str, Any], n: int, seed: int) -> np.ndarray:
    """N x (G + 2) rows of D columns in [0, 1]: for each base sample i, the row of matrix A,
    one row per group g with g's variables taken from B, then the row of B (Saltelli et al.,
    Comput. Phys. Commun. 181, 2010). `problem` is SALib's, every bound [0, 1], with groups."""
    d = problem["num_vars"]
    groups = np.asarray(problem["groups"])
    names = list(dict.fromkeys(problem["groups"]))
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(n)
    a, b = base[:, :d], base[:, d:]
    out = np.empty((n, len(names) + 2, d))
    out[:, 0] = a
    for k, name in enumerate(names):
        out[:, k + 1] = np.where(groups == name, b, a)
    out[:, -1] = b
    return out.reshape(n * (len(names) + 2), d)
